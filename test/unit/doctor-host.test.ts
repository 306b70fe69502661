/**
 * The host checks of `ecr-vars doctor` (src/cli/doctor-host.ts) against loopback servers: an
 * instance metadata service that answers, one whose answers die one hop short (the hop limit),
 * proxies that accept connections or not, and web identity tokens STS accepted, refused or that
 * expired. Each server stops at the end of its test.
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import type { LinkResult } from "../../src/cli/doctor-aws.js";
import { imdsCheck, proxyCheck, webIdentityCheck } from "../../src/cli/doctor-host.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A loopback HTTP server; a handler that returns without answering leaves the request hanging. */
async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void) {
  const server = createServer(handler);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  closers.push(
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nothing listens on: a server's, closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

const ROLE = "ecr-pull";
const CREDENTIALS = {
  Code: "Success",
  AccessKeyId: "ASIAIMDSTESTKEY00001",
  SecretAccessKey: "imds-secret-access-key-0123456789abcdef",
  Token: "imds-session-token-0123456789abcdef",
  Expiration: "2026-12-06T20:00:00Z",
};
const SESSION = "imds-v2-session-token-0123456789";

/** IMDSv2 as EC2 serves it, each step able to hang instead (what a hop limit of 1 looks like). */
function imds(hang: { token?: boolean; roles?: boolean; credentials?: boolean } = {}) {
  return (request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? "";
    if (request.method === "PUT" && url === "/latest/api/token") {
      if (!hang.token) response.end(SESSION);
      return;
    }
    if (url === "/latest/meta-data/") {
      response.end("ami-id\niam/\n");
      return;
    }
    if (request.headers["x-aws-ec2-metadata-token"] !== SESSION) {
      response.statusCode = 401;
      response.end();
      return;
    }
    if (url === "/latest/meta-data/iam/security-credentials/") {
      if (!hang.roles) response.end(`${ROLE}\n`);
      return;
    }
    if (url === `/latest/meta-data/iam/security-credentials/${ROLE}`) {
      if (!hang.credentials) response.end(JSON.stringify(CREDENTIALS));
      return;
    }
    response.statusCode = 404;
    response.end();
  };
}

const ENV_LINK: LinkResult = {
  link: "environment",
  credentials: {
    source: "environment",
    accessKeyId: "AKIAENVTESTKEY000001",
    secretAccessKey: "env-secret",
  },
};

describe("instance metadata (IMDSv2)", () => {
  test("an instance with a role: pass, and the session token and keys go to the redactor", async () => {
    const endpoint = await serve(imds());
    const secrets: string[] = [];
    const result = await imdsCheck({ AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint }, [], (s) =>
      secrets.push(s),
    );
    expect(result.status).toBe("pass");
    expect(result.summary).toBe(`${endpoint}: IMDSv2 session token and role ${ROLE}`);
    expect(secrets).toEqual([SESSION, CREDENTIALS.SecretAccessKey, CREDENTIALS.Token]);
    expect(JSON.stringify(result)).not.toContain(CREDENTIALS.SecretAccessKey);
  });

  test("reads answer, the session token never arrives: the hop limit, exit 3", async () => {
    const endpoint = await serve(imds({ token: true }));
    const result = await imdsCheck({ AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint }, [], () => {});
    expect(result).toMatchObject({ status: "fail", exitCode: 3 });
    expect(result.summary).toBe(`${endpoint} answers reads but its session token never arrives`);
    expect(result.fix).toContain("--http-put-response-hop-limit 2");
  });

  test("a session token arrives, then the role's credentials time out: the hop limit", async () => {
    const endpoint = await serve(imds({ credentials: true }));
    const result = await imdsCheck({ AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint }, [], () => {});
    expect(result.status).toBe("fail");
    expect(result.summary).toBe(
      `a session token and the role name ${ROLE} arrive, then its credentials time out`,
    );
    expect(result.fix).toContain("hop limit to 2");
  });

  test("a session token arrives, then the role list times out: the hop limit", async () => {
    const endpoint = await serve(imds({ roles: true }));
    const result = await imdsCheck({ AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint }, [], () => {});
    expect(result.status).toBe("fail");
    expect(result.summary).toMatch(/^a session token arrives, then reads time out/);
    expect(result.fix).toContain("hop limit to 2");
  });

  test("no metadata service while an earlier link answers: skipped, not failed", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const result = await imdsCheck(
      { AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint },
      [ENV_LINK],
      () => {},
    );
    expect(result.status).toBe("skip");
    expect(result.summary).toMatch(/; not needed: environment answers first$/);
    const needed = await imdsCheck({ AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint }, [], () => {});
    expect(needed).toMatchObject({ status: "fail", exitCode: 3 });
    expect(needed.summary).toMatch(new RegExp(`^no session token from ${endpoint}`));
  });

  test("AWS_EC2_METADATA_DISABLED=true: not asked", async () => {
    const result = await imdsCheck({ AWS_EC2_METADATA_DISABLED: "TRUE" }, [], () => {});
    expect(result).toEqual({
      check: "instance metadata (IMDSv2)",
      status: "skip",
      summary: "not asked: AWS_EC2_METADATA_DISABLED=true",
    });
  });
});

describe("proxy", () => {
  const ecr = "https://api.ecr.eu-west-1.amazonaws.com";
  const sts = "https://sts.eu-west-1.amazonaws.com";

  test("no proxy variables: every endpoint direct", async () => {
    const result = await proxyCheck({}, [ecr, sts]);
    expect(result.status).toBe("pass");
    expect(result.summary).toBe("no HTTPS_PROXY or HTTP_PROXY: every endpoint direct");
    expect(result.details).toEqual([
      `${ecr}: direct`,
      `${sts}: direct`,
      "http://169.254.169.254 (instance metadata): direct, never through a proxy",
    ]);
  });

  test("the metadata service is named as the SDK finds it (IPv6 endpoint mode)", async () => {
    const result = await proxyCheck({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: "IPv6" }, []);
    expect(result.details).toEqual([
      "http://[fd00:ec2::254] (instance metadata): direct, never through a proxy",
    ]);
  });

  test("a proxy that accepts connections: each endpoint's route, NO_PROXY honoured", async () => {
    const proxy = await serve((_request, response) => response.end());
    const result = await proxyCheck(
      { HTTPS_PROXY: proxy, NO_PROXY: "sts.eu-west-1.amazonaws.com" },
      [ecr, sts],
    );
    expect(result.status).toBe("pass");
    expect(result.summary).toBe(`through ${proxy} where NO_PROXY does not exempt`);
    expect(result.details?.slice(0, 2)).toEqual([`${ecr}: via ${proxy}`, `${sts}: direct`]);
  });

  test("every endpoint in NO_PROXY: direct, the proxy not asked", async () => {
    const port = await closedPort();
    const result = await proxyCheck(
      { HTTPS_PROXY: `http://127.0.0.1:${port}`, NO_PROXY: ".amazonaws.com" },
      [ecr, sts],
    );
    expect(result.status).toBe("pass");
    expect(result.summary).toBe("every endpoint is in NO_PROXY: direct");
  });

  test("a proxy that accepts no connection: exit 4, and its password is not shown", async () => {
    const port = await closedPort();
    const result = await proxyCheck(
      { https_proxy: `http://user:proxy-password-123@127.0.0.1:${port}` },
      [ecr],
    );
    expect(result).toMatchObject({ status: "fail", exitCode: 4 });
    expect(result.summary).toBe(`the proxy http://127.0.0.1:${port} accepts no connection`);
    expect(result.fix).toContain("NO_PROXY");
    expect(JSON.stringify(result)).not.toContain("proxy-password-123");
  });
});

describe("web identity token", () => {
  const NOW = new Date("2026-12-06T12:00:00Z");
  const ROLE_ARN = "arn:aws:iam::123456789012:role/ci-ecr";
  const claims = {
    iss: "https://token.actions.githubusercontent.com",
    sub: "repo:shop/cart:ref:refs/heads/main",
    aud: "sts.amazonaws.com",
    exp: Math.floor(NOW.getTime() / 1000) + 300,
  };
  const jwt = (body: object) =>
    `${Buffer.from('{"alg":"RS256"}').toString("base64url")}.${Buffer.from(JSON.stringify(body)).toString("base64url")}.c2lnbmF0dXJl`;

  async function tokenFile(text: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "ecr-vars-doctor-"));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, "token");
    await writeFile(file, text);
    return file;
  }

  test("STS accepted it: pass, with its claims and the role STS handed out", async () => {
    const file = await tokenFile(`${jwt(claims)}\n`);
    const arn = "arn:aws:sts::123456789012:assumed-role/ci-ecr/session";
    const result = webIdentityCheck(
      { AWS_WEB_IDENTITY_TOKEN_FILE: file, AWS_ROLE_ARN: ROLE_ARN },
      [{ link: "web identity", arn }],
      NOW,
    );
    expect(result.status).toBe("pass");
    expect(result.summary).toBe(`STS accepts it: ${arn}`);
    expect(result.details).toEqual([
      `iss: ${claims.iss}`,
      `sub: ${claims.sub}`,
      `aud: ${claims.aud}`,
      "exp: 2026-12-06T12:05:00.000Z",
      `role: ${ROLE_ARN}`,
      `STS: ${arn}`,
    ]);
    expect(JSON.stringify(result)).not.toContain(jwt(claims));
  });

  test("STS refused it: the trust policy to fix, naming the provider, exit 3", async () => {
    const file = await tokenFile(jwt({ ...claims, aud: ["sts.amazonaws.com", "other"] }));
    const result = webIdentityCheck(
      { AWS_WEB_IDENTITY_TOKEN_FILE: file, AWS_ROLE_ARN: ROLE_ARN },
      [
        {
          link: "web identity",
          problem: "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity",
        },
      ],
      NOW,
    );
    expect(result).toMatchObject({ status: "fail", exitCode: 3 });
    expect(result.summary).toBe(
      "STS does not accept it: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity",
    );
    expect(result.fix).toBe(
      `the trust policy of ${ROLE_ARN} must allow sts:AssumeRoleWithWebIdentity for the provider ${claims.iss} with these sub and aud`,
    );
    expect(result.details).toContain('aud: ["sts.amazonaws.com","other"]');
  });

  test("an expired token: when it expired, exit 3", async () => {
    const file = await tokenFile(jwt({ ...claims, exp: claims.exp - 600 }));
    const result = webIdentityCheck({ AWS_WEB_IDENTITY_TOKEN_FILE: file }, [], NOW);
    expect(result).toMatchObject({ status: "fail", exitCode: 3 });
    expect(result.summary).toBe("the token expired at 2026-12-06T11:55:00.000Z");
  });

  test("a file without a JWT, or no file: a failure naming the file", async () => {
    const file = await tokenFile("not a token");
    const garbage = webIdentityCheck({ AWS_WEB_IDENTITY_TOKEN_FILE: file }, [], NOW);
    expect(garbage).toMatchObject({ status: "fail", exitCode: 3 });
    expect(garbage.summary).toBe(`${file} holds no readable JWT (not header.payload.signature)`);
    const missing = webIdentityCheck({ AWS_WEB_IDENTITY_TOKEN_FILE: `${file}.gone` }, [], NOW);
    expect(missing.summary).toBe(`${file}.gone holds no readable JWT (ENOENT)`);
    expect(webIdentityCheck({}, [], NOW)).toMatchObject({ status: "skip" });
  });
});
