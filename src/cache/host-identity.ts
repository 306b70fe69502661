/**
 * The identity a host-bound credential source has right now, asked of the host's own endpoint
 * (docs/docker.md, "The token cache"): for the instance metadata service (IMDS) the access key id
 * it hands out; for a container credentials endpoint the role it names (ECS), else the access key
 * id (EKS Pod Identity names none). A token cached for such a source is served only while this is
 * what it was fetched with.
 *
 * Why this and not a host discriminator (machine id, boot id, host name): what decides a
 * host-bound identity is the endpoint's answer, and it changes where no discriminator does — an
 * instance profile replaced on a running instance, one ECS task's role and another's on one host
 * (one boot id), images cloned with one /etc/machine-id, hosts of one name in two VPCs, EC2 Mac
 * and Windows hosts without /proc. Two hosts sharing a cache directory have different access
 * keys even for one role, so neither is served the other's token by its configuration key; each
 * makes one GetCallerIdentity, and if the role is the same they share the role's token. The cost
 * is the endpoint's round trips on a hit (IMDSv2: token, role name, credentials; a container:
 * one) and, when IMDS rotates its keys, one GetCallerIdentity.
 *
 * node:http or node:https is loaded on a hit only for a token that came from such a source, by
 * name (an `import()` of a computed name would stay an `import()` in the CommonJS bundles and
 * start the ES module loader). The credentials' secret parts are read here and dropped: only the
 * access key id or role leaves this module.
 */

import { imdsEndpoint } from "../platform/aws-config.js";
import { LIMITS, readBoundedSync } from "../platform/bounded-read.js";
import type { HostBound } from "./config.js";

type Env = Readonly<Record<string, string | undefined>>;

/** Per request, as the SDK's metadata provider waits by default. */
const TIMEOUT_MS = 1000;
const ECS_HOST = "http://169.254.170.2";
const CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/";

/** What the host's endpoint hands out now (see above); undefined when it cannot be told. */
export async function hostIdentity(kind: HostBound, env: Env): Promise<string | undefined> {
  try {
    return kind === "imds" ? await fromImds(env) : await fromContainer(env);
  } catch {
    return undefined;
  }
}

async function fromImds(env: Env): Promise<string | undefined> {
  if (env.AWS_EC2_METADATA_DISABLED?.toLowerCase() === "true") return undefined;
  const base = imdsEndpoint(env);
  const token = await request("PUT", `${base}/latest/api/token`, {
    "x-aws-ec2-metadata-token-ttl-seconds": "60",
  });
  // IMDSv1 (no token endpoint) where the SDK would fall back to it, as the default chain does.
  const v1 = token.status === 403 || token.status === 404 || token.status === 405;
  if (token.status !== 200 && !(v1 && env.AWS_EC2_METADATA_V1_DISABLED?.toLowerCase() !== "true"))
    return undefined;
  const headers: Record<string, string> =
    token.status === 200 ? { "x-aws-ec2-metadata-token": token.body } : {};
  const roles = await request("GET", `${base}${CREDENTIALS_PATH}`, headers);
  const role = roles.status === 200 ? roles.body.split("\n")[0]?.trim() : undefined;
  if (!role) return undefined;
  const credentials = await request(
    "GET",
    `${base}${CREDENTIALS_PATH}${encodeURIComponent(role)}`,
    headers,
  );
  return credentials.status === 200 ? identityIn(credentials.body, false) : undefined;
}

async function fromContainer(env: Env): Promise<string | undefined> {
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  const url = relative ? `${ECS_HOST}${relative}` : full;
  if (!url || !allowedContainerEndpoint(url)) return undefined;
  const tokenFile = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
  const token = tokenFile
    ? readBoundedSync(tokenFile, LIMITS.secretFile).trim()
    : env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
  const answer = await request("GET", url, token ? { authorization: token } : {});
  return answer.status === 200 ? identityIn(answer.body, true) : undefined;
}

/**
 * As the SDK's container provider allows: HTTPS anywhere, HTTP only to loopback and the ECS and
 * EKS agents' link-local hosts, so that the authorization token goes nowhere else.
 */
function allowedContainerEndpoint(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === "https:") return true;
  if (parsed.protocol !== "http:") return false;
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  return (
    host === "localhost" ||
    host === "::1" ||
    host.startsWith("127.") ||
    host === "169.254.170.2" ||
    host === "169.254.170.23" ||
    host === "fd00:ec2::23"
  );
}

/**
 * IMDS hands out one set of keys until it rotates them: its access key id. A container endpoint
 * may mint keys per request; the ECS agent names the role (`RoleArn`), which is the identity.
 */
function identityIn(body: string, roleFirst: boolean): string | undefined {
  const parsed = JSON.parse(body) as { AccessKeyId?: unknown; RoleArn?: unknown };
  if (roleFirst && typeof parsed.RoleArn === "string" && parsed.RoleArn !== "")
    return `role:${parsed.RoleArn}`;
  return typeof parsed.AccessKeyId === "string" && parsed.AccessKeyId !== ""
    ? `key:${parsed.AccessKeyId}`
    : undefined;
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

async function request(
  method: string,
  url: string,
  headers: Record<string, string>,
): Promise<Answer> {
  const target = new URL(url);
  // process.getBuiltinModule from Node 20.16; the bundles' require before (as home.ts does).
  const name = target.protocol === "https:" ? "node:https" : "node:http";
  const { request: send } = (process.getBuiltinModule?.(name) ??
    require(name)) as typeof import("node:http");
  return new Promise((resolve, reject) => {
    const req = send(target, { method, headers, timeout: TIMEOUT_MS, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let length = 0;
      res.on("data", (chunk: Buffer) => {
        length += chunk.length;
        if (length > LIMITS.awsResponse) req.destroy(new Error("answer too large"));
        else chunks.push(chunk);
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}
