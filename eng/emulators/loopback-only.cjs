// Preloaded into emulators that would otherwise listen on every interface: forces listen() onto 127.0.0.1.
const net = require("net");
const listen = net.Server.prototype.listen;
const wildcard = (h) => h === undefined || h === null || h === "" || h === "0.0.0.0" || h === "::" || h === "localhost";
net.Server.prototype.listen = function (...args) {
  if (args[0] && typeof args[0] === "object" && !Array.isArray(args[0])) {
    if (args[0].path === undefined && wildcard(args[0].host)) args[0] = { ...args[0], host: "127.0.0.1", ipv6Only: false };
  } else if (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0]))) {
    if (typeof args[1] !== "string" || wildcard(args[1])) {
      if (typeof args[1] === "string") args[1] = "127.0.0.1"; else args.splice(1, 0, "127.0.0.1");
    }
  }
  return listen.apply(this, args);
};
