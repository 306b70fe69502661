/**
 * A tiny forward proxy on loopback that plays DNS for the peers: clients keep the real AWS names
 * (`api.ecr.<region>.amazonaws.com`, `<account>.dkr.ecr.<region>.amazonaws.com`) in their URLs
 * and signatures, and the proxy sends the bytes to local servers instead.
 * - CONNECT host:443 → a TLS server chosen by host (the emulator's TLS front), else 502.
 * - plain `GET http://host/...` (absolute form) → an HTTP server chosen by host (the registry).
 * Nothing ever leaves loopback: an unknown host gets a 502.
 */

import { createServer, request } from "node:http";
import { connect, type Socket } from "node:net";

export interface ProxyRoutes {
  /** host → `127.0.0.1:PORT` of a TLS server, for CONNECT. */
  readonly tls: (host: string) => string | undefined;
  /** host → `127.0.0.1:PORT` of an HTTP server, for absolute-form requests. */
  readonly http: (host: string) => string | undefined;
}

export interface TestProxy {
  readonly url: string;
  /** Every CONNECT and request target the proxy saw, e.g. `CONNECT api.ecr.eu-west-1.amazonaws.com:443`. */
  readonly seen: string[];
  close(): Promise<void>;
}

export async function startProxy(routes: ProxyRoutes): Promise<TestProxy> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const split = (target: string) => {
    const [host = "", port = ""] = target.split(":");
    return { host, port: Number(port) };
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://invalid");
    seen.push(`${req.method} ${url.host}${url.pathname}`);
    const to = routes.http(url.hostname);
    if (to === undefined) {
      res.writeHead(502).end("no route");
      return;
    }
    const { host, port } = split(to);
    const upstream = request(
      {
        host,
        port,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("connect", (req, client: Socket) => {
    seen.push(`CONNECT ${req.url}`);
    sockets.add(client);
    const to = routes.tls(split(req.url ?? "").host);
    if (to === undefined) {
      client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
      return;
    }
    const { host, port } = split(to);
    const upstream = connect(port, host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.pipe(client).pipe(upstream);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on("error", end);
    client.on("error", end);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
