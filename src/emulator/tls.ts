/**
 * An optional TLS front for the emulator: terminates TLS with a certificate the caller provides
 * (tests make a throw-away CA with openssl) and passes the bytes to the emulator's plain port.
 * Clients without an endpoint override, such as the Go `docker-credential-ecr-login`, reach it as
 * `https://api.ecr.<region>.amazonaws.com` through an HTTPS proxy on loopback, trusting the CA via
 * AWS_CA_BUNDLE. The Host header and the SigV4 signature pass through untouched.
 */

import { connect } from "node:net";
import { createServer, type TLSSocket } from "node:tls";
import { EcrVarsError } from "../core/errors.js";
import { isLoopbackHost } from "./server.js";

export interface TlsFrontOptions {
  /** The emulator's URL, e.g. `http://127.0.0.1:41234`. */
  readonly target: string;
  /** PEM certificate (chain) and key to present. */
  readonly cert: string;
  readonly key: string;
  /** Loopback only. Default `127.0.0.1`. */
  readonly host?: string;
}

export interface TlsFront {
  /** `127.0.0.1:PORT` */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startTlsFront(options: TlsFrontOptions): Promise<TlsFront> {
  const host = options.host ?? "127.0.0.1";
  const target = new URL(options.target);
  if (!isLoopbackHost(host) || !isLoopbackHost(target.hostname.replace(/^\[|\]$/g, ""))) {
    throw new EcrVarsError({
      kind: "usage",
      code: "EMULATOR_BAD_OPTION",
      message: "the TLS front listens on and forwards to loopback addresses only",
      hint: "use 127.0.0.1 or ::1",
    });
  }
  const sockets = new Set<TLSSocket>();
  const server = createServer({ cert: options.cert, key: options.key }, (socket) => {
    sockets.add(socket);
    const upstream = connect(Number(target.port), target.hostname.replace(/^\[|\]$/g, ""));
    socket.pipe(upstream).pipe(socket);
    const end = () => {
      socket.destroy();
      upstream.destroy();
      sockets.delete(socket);
    };
    socket.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    address: `${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
