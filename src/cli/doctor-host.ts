/**
 * Host checks of `ecr-vars doctor` (docs/doctor.md): the instance metadata service (IMDSv2 and
 * its hop limit), proxy routing per endpoint, and a web identity token's claims against what STS
 * answered. The token is decoded, not verified, and never printed whole.
 */

import { proxyFor, readProxyEnv } from "../aws/http.js";
import type { Env } from "../core/expressions.js";
import { imdsEndpoint } from "../platform/aws-config.js";
import { LIMITS, readBoundedSync } from "../platform/bounded-read.js";
import type { LinkResult } from "./doctor-aws.js";
import { probe } from "./doctor-http.js";
import type { CheckResult } from "./doctor-report.js";

const HOP_FIX =
  "raise the instance's metadata hop limit to 2 so containers get answers: aws ec2 modify-instance-metadata-options --instance-id ID --http-put-response-hop-limit 2 --http-tokens required";

/**
 * IMDSv2: a session token, the role name, the role's credentials (read, never shown). A token
 * that arrives while the credentials time out, or a token that times out while a token-less read
 * answers, is the hop limit: the answer dies one hop short of a container.
 */
export async function imdsCheck(
  env: Env,
  links: readonly LinkResult[],
  onSecret: (secret: string) => void,
): Promise<CheckResult> {
  const check = "instance metadata (IMDSv2)";
  if (env.AWS_EC2_METADATA_DISABLED?.toLowerCase() === "true") {
    return { check, status: "skip", summary: "not asked: AWS_EC2_METADATA_DISABLED=true" };
  }
  const used = links.find((l) => l.credentials !== undefined);
  const needed = used === undefined || used.link.includes("instance role");
  const base = imdsEndpoint(env);
  const timeoutMs = 1000;
  const fail = (summary: string, fix: string): CheckResult =>
    needed
      ? { check, status: "fail", summary, fix, exitCode: 3 }
      : { check, status: "skip", summary: `${summary}; not needed: ${used?.link} answers first` };
  const token = await probe(`${base}/latest/api/token`, {
    method: "PUT",
    headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" },
    timeoutMs,
  });
  if (token.kind === "error" || token.status !== 200) {
    if (token.kind === "error" && token.timeout) {
      const v1 = await probe(`${base}/latest/meta-data/`, { method: "GET", timeoutMs });
      if (v1.kind === "answer") {
        return fail(`${base} answers reads but its session token never arrives`, HOP_FIX);
      }
    }
    return fail(
      `no session token from ${base}: ${token.kind === "error" ? token.message : `HTTP ${token.status}`}`,
      "not an EC2 instance, or its metadata service is off: use another source of credentials, or enable IMDSv2 on the instance",
    );
  }
  onSecret(token.body);
  const headers = { "x-aws-ec2-metadata-token": token.body };
  const roles = await probe(`${base}/latest/meta-data/iam/security-credentials/`, {
    method: "GET",
    headers,
    timeoutMs,
  });
  if (roles.kind === "error") {
    return fail(`a session token arrives, then reads time out (${roles.message})`, HOP_FIX);
  }
  const role = roles.status === 200 ? roles.body.split("\n")[0]?.trim() : undefined;
  if (!role) {
    return fail(
      `${base} answers, and the instance has no role (HTTP ${roles.status})`,
      "attach an instance profile with ecr:GetAuthorizationToken to the instance",
    );
  }
  const credentials = await probe(`${base}/latest/meta-data/iam/security-credentials/${role}`, {
    method: "GET",
    headers,
    timeoutMs,
  });
  if (credentials.kind === "error") {
    return fail(
      `a session token and the role name ${role} arrive, then its credentials time out`,
      HOP_FIX,
    );
  }
  try {
    const parsed = JSON.parse(credentials.body) as Record<string, unknown>;
    for (const key of ["SecretAccessKey", "Token"]) {
      if (typeof parsed[key] === "string") onSecret(parsed[key]);
    }
  } catch {
    // reported below by its status
  }
  if (credentials.status !== 200) {
    return fail(
      `role ${role}: HTTP ${credentials.status} for its credentials`,
      "check the instance profile",
    );
  }
  return { check, status: "pass", summary: `${base}: IMDSv2 session token and role ${role}` };
}

/** Which endpoints go through which proxy; a configured proxy must accept connections. */
export async function proxyCheck(env: Env, endpoints: readonly string[]): Promise<CheckResult> {
  const settings = readProxyEnv(env);
  const details: string[] = [];
  const proxies = new Set<string>();
  for (const endpoint of endpoints) {
    const proxy = proxyFor(new URL(endpoint), settings);
    if (proxy !== undefined) proxies.add(proxy.origin);
    details.push(`${endpoint}: ${proxy === undefined ? "direct" : `via ${proxy.origin}`}`);
  }
  details.push(`${imdsEndpoint(env)} (instance metadata): direct, never through a proxy`);
  if (proxies.size === 0) {
    return {
      check: "proxy",
      status: "pass",
      summary:
        settings.httpsProxy || settings.httpProxy
          ? "every endpoint is in NO_PROXY: direct"
          : "no HTTPS_PROXY or HTTP_PROXY: every endpoint direct",
      details,
    };
  }
  const { createConnection } = await import("node:net");
  const unreachable: string[] = [];
  for (const origin of proxies) {
    const url = new URL(origin);
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    const ok = await new Promise<boolean>((done) => {
      const socket = createConnection({ host: url.hostname, port, timeout: 2000 });
      socket.once("connect", () => done(socket.destroy() === socket));
      socket.once("timeout", () => done(!socket.destroy()));
      socket.once("error", () => done(false));
    });
    if (!ok) unreachable.push(origin);
  }
  if (unreachable.length > 0) {
    return {
      check: "proxy",
      status: "fail",
      summary: `the proxy ${unreachable.join(", ")} accepts no connection`,
      fix: "fix HTTPS_PROXY / HTTP_PROXY, or add the AWS endpoints to NO_PROXY",
      details,
      exitCode: 4,
    };
  }
  return {
    check: "proxy",
    status: "pass",
    summary: `through ${[...proxies].join(", ")} where NO_PROXY does not exempt`,
    details,
  };
}

/** iss, sub, aud and exp of the token file's JWT against the role STS handed out. */
export function webIdentityCheck(env: Env, links: readonly LinkResult[], now: Date): CheckResult {
  const check = "web identity token";
  const file = env.AWS_WEB_IDENTITY_TOKEN_FILE;
  if (!file) return { check, status: "skip", summary: "AWS_WEB_IDENTITY_TOKEN_FILE is not set" };
  let claims: Record<string, unknown>;
  try {
    const token = readBoundedSync(file, LIMITS.configFile).trim();
    const payload = token.split(".")[1] ?? "";
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
  } catch (error) {
    return {
      check,
      status: "fail",
      summary: `${file} holds no readable JWT (${(error as NodeJS.ErrnoException).code ?? "not header.payload.signature"})`,
      fix: "point AWS_WEB_IDENTITY_TOKEN_FILE at the OIDC token your platform writes",
      exitCode: 3,
    };
  }
  const text = (value: unknown) =>
    typeof value === "string" ? value : JSON.stringify(value ?? null);
  const exp = typeof claims.exp === "number" ? new Date(claims.exp * 1000) : undefined;
  const details = [
    `iss: ${text(claims.iss)}`,
    `sub: ${text(claims.sub)}`,
    `aud: ${text(claims.aud)}`,
    `exp: ${exp?.toISOString() ?? "none"}`,
    `role: ${env.AWS_ROLE_ARN ?? "AWS_ROLE_ARN is not set"}`,
  ];
  const link = links.find((l) => l.link.includes("web identity"));
  if (exp !== undefined && exp.getTime() <= now.getTime()) {
    return {
      check,
      status: "fail",
      summary: `the token expired at ${exp.toISOString()}`,
      fix: "let the platform refresh the token file (a new job, or a projected service-account token)",
      details,
      exitCode: 3,
    };
  }
  if (link?.arn !== undefined) {
    details.push(`STS: ${link.arn}`);
    return { check, status: "pass", summary: `STS accepts it: ${link.arn}`, details };
  }
  return {
    check,
    status: "fail",
    summary: `STS does not accept it: ${link?.problem ?? "not tried"}`,
    fix: `the trust policy of ${env.AWS_ROLE_ARN ?? "the role"} must allow sts:AssumeRoleWithWebIdentity for the provider ${text(claims.iss)} with these sub and aud`,
    details,
    exitCode: 3,
  };
}
