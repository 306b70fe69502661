/**
 * A loopback stand-in for the GitHub Actions OIDC token service: GET <url>&audience=<aud> with
 * `Authorization: bearer <request token>` answers `{ "value": "<jwt>" }`. The JWT is unsigned;
 * the emulator checks only its shape and expiry.
 */

import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { makeJwt } from "./emulator.js";

export interface GitHubOidc {
  /** Values for ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  readonly env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  /** The audiences requested so far, in order. */
  readonly audiences: string[];
  /** Every JWT handed out, so tests can check none leaks into output. */
  readonly issued: string[];
  close(): Promise<void>;
}

export async function startGitHubOidc(): Promise<GitHubOidc> {
  const requestToken = randomBytes(24).toString("base64url");
  const audiences: string[] = [];
  const issued: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://oidc.invalid");
    // The auth scheme is case-insensitive (RFC 9110): the CLI sends `bearer`, @actions/core `Bearer`.
    const [scheme, credentials] = (req.headers.authorization ?? "").split(" ");
    if (scheme?.toLowerCase() !== "bearer" || credentials !== requestToken) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"message":"Unauthorized"}');
      return;
    }
    const audience = url.searchParams.get("audience") ?? "";
    audiences.push(audience);
    const now = Math.floor(Date.now() / 1000);
    const jwt = makeJwt({
      iss: "https://token.actions.githubusercontent.com",
      sub: "repo:octo-org/app:ref:refs/heads/main",
      aud: audience,
      iat: now,
      exp: now + 300,
    });
    issued.push(jwt);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ value: jwt }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/_apis/distributedtask/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    },
    audiences,
    issued,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
