// Lambda functions served by serverless-offline for the Polycloud function tests.
// echo: returns the event unchanged (JSON round trip).
exports.echo = async (event) => event;
// fail: throws, so the Invoke API answers 200 with X-Amz-Function-Error: Unhandled and the error in the payload.
exports.fail = async (event) => {
  const err = new Error((event && event.message) || "function failed on purpose");
  err.name = (event && event.type) || "PolycloudTestError";
  throw err;
};
// slow: waits event.ms milliseconds (default 5000), then answers; for timeout, cancellation and event tests.
exports.slow = async (event) => {
  const ms = (event && event.ms) || 5000;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { slept: ms };
};
// large: answers with a string of event.bytes characters (default 1 MiB), for large response payloads.
exports.large = async (event) => "x".repeat((event && event.bytes) || 1048576);
