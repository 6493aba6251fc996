// HTTP functions served by functions-framework for the Polycloud function tests.
exports.echo = (req, res) => {
  res.set("content-type", req.get("content-type") || "application/octet-stream");
  res.status(200).send(req.rawBody ?? req.body ?? "");
};
