// HTTP functions served by functions-framework for the Polycloud function tests (one process per function, see
// functions.txt).
// echo: answers with the request body and content type unchanged.
exports.echo = (req, res) => {
  res.set("content-type", req.get("content-type") || "application/octet-stream");
  res.status(200).send(req.rawBody ?? req.body ?? "");
};
// fail: throws; functions-framework answers 500 (the driver reports a function error).
exports.fail = (req, res) => {
  const body = req.body && typeof req.body === "object" ? req.body : {};
  throw new Error(body.message || "function failed on purpose");
};
// slow: waits body.ms milliseconds (default 5000), then answers {"slept": ms}.
exports.slow = async (req, res) => {
  const body = req.body && typeof req.body === "object" ? req.body : {};
  const ms = body.ms || 5000;
  await new Promise((resolve) => setTimeout(resolve, ms));
  res.status(200).json({ slept: ms });
};
// whoami: answers {"authorization": <the Authorization header or null>}, so tests can see the credential that arrived.
exports.whoami = (req, res) => {
  res.status(200).json({ authorization: req.get("authorization") || null });
};
