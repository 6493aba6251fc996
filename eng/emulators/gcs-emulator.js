// Runs the Cloud Storage JSON API emulator that ships in firebase-tools, without its Java rules runtime:
// the JSON-API routes (/b/..., /upload/storage/v1/..., /download/storage/v1/...) never consult security rules.
// It relies on firebase-tools internals, so eng/emulators.sh pins the version.
const { StorageEmulator } = require("firebase-tools/lib/emulator/storage");
const { EmulatorRegistry } = require("firebase-tools/lib/emulator/registry");
const port = Number(process.env.PORT || 9199);
const projectId = process.env.PROJECT || "demo-polycloud";
const emulator = new StorageEmulator({ projectId, host: "127.0.0.1", port, auto_download: false, rules: undefined });
emulator._rulesRuntime.start = async () => {};
emulator._rulesRuntime.stop = async () => {};
emulator._rulesManager = { start: async () => {}, stop: async () => {}, getRuleset: () => undefined };
EmulatorRegistry.start(emulator)
  .then(() => console.log(`GCS emulator on http://127.0.0.1:${port}/`))
  .catch((e) => { console.error(e); process.exit(1); });
const stop = () => EmulatorRegistry.stop("storage").finally(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
