// The server of bench/workers.ts, run by `twisted-ts run [--workers N] bench/workers-echo.cjs PORT`:
// a TCP echo server (node:net; in a cluster the workers share the port) until SIGTERM.
const net = require("node:net");
const { Deferred } = require("twisted-ts/defer");

exports.main = function main(reactor, port) {
  const server = net.createServer((socket) => socket.pipe(socket));
  server.listen(Number(port), "127.0.0.1", () => console.log(`listening ${process.pid}`));
  reactor.addSystemEventTrigger("before", "shutdown", () => new Promise((resolve) => server.close(() => resolve())));
  return new Deferred();
};
