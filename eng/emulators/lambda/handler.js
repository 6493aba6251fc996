// Lambda functions served by serverless-offline for the Polycloud function tests.
exports.echo = async (event) => event;
