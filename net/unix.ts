/**
 * UNIX sockets: `listenUNIX` and `connectUNIX` on `node:net` (Twisted's `twisted.internet.unix`).
 * @module
 */
import * as fs from "node:fs";
import * as net from "node:net";
import { describeValue } from "../core/validate";
import type { Reactor } from "../reactor/reactor";
import { UNIXAddress } from "./address";
import { checkBacklog, checkFactory, checkOptions, checkString, checkTimeout } from "./check";
import { Connector } from "./connector";
import { CannotListenError } from "./errors";
import type { ClientFactory } from "./factory";
import type { IProtocolFactory, UNIXConnectOptions, UNIXListenOptions } from "./interfaces";
import { ListeningPort } from "./listening-port";

/** Whether process `pid` is alive. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * `wantPID`: take `PATH.lock` (holding this process's PID), as Twisted's FilesystemLock. A lock
 * left by a dead process is stale: it and the socket file are removed.
 */
function takeLock(path: string): void {
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const pid = Number.parseInt(fs.readFileSync(lock, "utf8"), 10);
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
      throw new CannotListenError("", path, new Error(`Cannot acquire lock ${lock} (held by process ${pid})`));
    }
    fs.rmSync(lock, { force: true }); // stale: its process is gone
    try {
      if (fs.statSync(path).isSocket()) fs.rmSync(path);
    } catch {
      // no socket file left behind
    }
  }
  throw new CannotListenError("", path, new Error(`Cannot acquire lock ${lock}`));
}

/** `reactor.listenUNIX`: see {@link IReactorUNIX}. @internal */
export function listenUNIX(reactor: Reactor, address: string, factory: IProtocolFactory, options?: UNIXListenOptions): ListeningPort {
  checkString("listenUNIX", address, "address");
  if (address === "") throw new RangeError("listenUNIX: address must be a non-empty path");
  checkFactory("listenUNIX", factory, false);
  checkOptions("listenUNIX", options);
  const backlog = checkBacklog("listenUNIX", options?.backlog);
  const mode = options?.mode ?? 0o666;
  if (typeof mode !== "number" || !Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
    throw new RangeError(`listenUNIX: mode must be a file mode from 0 to 0o7777, got ${describeValue(mode)}`);
  }
  const wantPID = Boolean(options?.wantPID);
  const abstract = address.startsWith("\0");
  let locked = false;
  const host = new UNIXAddress(address);
  const port = new ListeningPort(reactor, factory, {
    interface: "",
    port: address,
    event: "connection",
    prepare: () => {
      if (wantPID && !abstract) {
        takeLock(address);
        locked = true;
      }
    },
    createServer: () => net.createServer({ allowHalfOpen: true }),
    listen: (server) => server.listen({ path: address, backlog }),
    bound: () => {
      if (!abstract) fs.chmodSync(address, mode);
    },
    closed: () => {
      if (locked) {
        locked = false;
        fs.rmSync(`${address}.lock`, { force: true });
      }
    },
    hostOf: () => host,
    addressesOf: () => ({ host, peer: new UNIXAddress(null) }),
  });
  port.startListening();
  return port;
}

/** `reactor.connectUNIX`: see {@link IReactorUNIX}. @internal */
export function connectUNIX(reactor: Reactor, address: string, factory: ClientFactory, options?: UNIXConnectOptions): Connector {
  checkString("connectUNIX", address, "address");
  checkFactory("connectUNIX", factory, true);
  checkOptions("connectUNIX", options);
  const timeout = checkTimeout("connectUNIX", options?.timeout);
  const peer = new UNIXAddress(address);
  const connector = new Connector(
    reactor,
    factory,
    {
      event: "connect",
      destination: peer,
      connect: () => net.connect({ path: address, allowHalfOpen: true }),
      addressesOf: () => ({ host: new UNIXAddress(null), peer }),
    },
    timeout,
  );
  connector.connect();
  return connector;
}
