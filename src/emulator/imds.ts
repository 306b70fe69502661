/**
 * EC2 instance metadata, IMDSv2 only (as on instances with `HttpTokens: required`): every read
 * needs a session token obtained with PUT /latest/api/token. With `imdsVersion: "v1-only"` it is
 * a metadata service without tokens instead (no token endpoint, token-less reads).
 */
import type {
  Call,
  EmulatorContext,
  InstanceRole,
  RecordDraft,
  Reply,
  RoleCredentials,
} from "./context.js";
import { newOpaqueToken } from "./ids.js";
import { headerValue } from "./sigv4.js";
import { assumedRolePrincipal } from "./state.js";

const INSTANCE_ID = "i-0123456789abcdef0";
const MAX_TOKEN_TTL = 21_600;
const CREDENTIAL_LIFETIME_MS = 6 * 3600 * 1000;
// IMDS hands out the same credentials until they come close to expiry, then rotates them.
const ROTATE_BEFORE_MS = 15 * 60 * 1000;
const CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials";
const EXTENDED_PATH = "/latest/meta-data/iam/security-credentials-extended";

function text(
  status: number,
  body: string,
  record: RecordDraft,
  headers: Record<string, string> = {},
): Reply {
  return { status, headers: { "content-type": "text/plain", ...headers }, body, record };
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function roleCredentials(ctx: EmulatorContext, role: InstanceRole): RoleCredentials {
  const now = ctx.now();
  const cached = ctx.imds.credentials;
  if (cached !== undefined && cached.expiration.getTime() - now.getTime() > ROTATE_BEFORE_MS) {
    return cached;
  }
  const principal = assumedRolePrincipal("aws", role.accountId, role.roleName, INSTANCE_ID);
  const issued = ctx.store.issue(
    principal,
    "instance-role",
    new Date(now.getTime() + CREDENTIAL_LIFETIME_MS),
  );
  const fresh = { ...issued, issuedAt: now };
  ctx.imds.credentials = fresh;
  return fresh;
}

/** Which IMDS action a path names, for the request log and for fault injection. */
function actionOf(method: string, path: string): string {
  if (path === "/latest/api/token") return method === "PUT" ? "GetToken" : "Unknown";
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === CREDENTIALS_PATH || trimmed === EXTENDED_PATH) return "ListRoles";
  if (trimmed.startsWith(`${CREDENTIALS_PATH}/`) || trimmed.startsWith(`${EXTENDED_PATH}/`)) {
    return "GetRoleCredentials";
  }
  if (trimmed === "/latest/meta-data/placement/region") return "GetRegion";
  if (trimmed === "/latest/meta-data/instance-id") return "GetInstanceId";
  if (trimmed === "/latest/dynamic/instance-identity/document") return "GetIdentityDocument";
  return "Unknown";
}

function issueToken(call: Call, ctx: EmulatorContext, record: RecordDraft): Reply {
  // Real IMDS refuses token requests that went through a proxy, to stop SSRF relays.
  if (headerValue(call.rawHeaders, "x-forwarded-for") !== undefined)
    return text(403, "Forbidden", record);
  const raw = headerValue(call.rawHeaders, "x-aws-ec2-metadata-token-ttl-seconds");
  const ttl = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(ttl >= 1 && ttl <= MAX_TOKEN_TTL)) return text(400, "Bad Request", record);
  const token = newOpaqueToken();
  ctx.imds.tokens.set(token, new Date(ctx.now().getTime() + ttl * 1000));
  return text(200, token, record, { "x-aws-ec2-metadata-token-ttl-seconds": String(ttl) });
}

function hasValidToken(call: Call, ctx: EmulatorContext): boolean {
  const token = headerValue(call.rawHeaders, "x-aws-ec2-metadata-token");
  const until = token === undefined ? undefined : ctx.imds.tokens.get(token);
  return until !== undefined && until > ctx.now();
}

export function handleImds(call: Call, ctx: EmulatorContext): Reply {
  const role = ctx.instanceRole;
  const action = actionOf(call.method, call.path);
  const record: RecordDraft = {
    service: "imds",
    action,
    params: { method: call.method, path: call.path },
  };
  if (action === "GetToken") {
    const fault = ctx.takeFault(action);
    if (fault !== undefined)
      return text(fault.status, fault.message ?? fault.code, { ...record, errorCode: fault.code });
    if (ctx.imdsVersion === "v1-only") return text(404, "Not Found", record);
    return issueToken(call, ctx, record);
  }
  if (call.method !== "GET") return text(405, "Method Not Allowed", record);
  if (ctx.imdsVersion !== "v1-only" && !hasValidToken(call, ctx))
    return text(401, "Unauthorized", record);
  const fault = ctx.takeFault(action);
  if (fault !== undefined)
    return text(fault.status, fault.message ?? fault.code, { ...record, errorCode: fault.code });

  const trimmed = call.path.replace(/\/+$/, "");
  switch (action) {
    case "ListRoles":
      return role === undefined ? text(404, "Not Found", record) : text(200, role.roleName, record);
    case "GetRoleCredentials": {
      const asked = trimmed.slice(trimmed.lastIndexOf("/") + 1);
      if (role === undefined || asked !== role.roleName) return text(404, "Not Found", record);
      const creds = roleCredentials(ctx, role);
      const body = {
        Code: "Success",
        LastUpdated: isoSeconds(creds.issuedAt),
        Type: "AWS-HMAC",
        AccessKeyId: creds.accessKeyId,
        SecretAccessKey: creds.secretAccessKey,
        Token: creds.sessionToken,
        Expiration: isoSeconds(creds.expiration),
        // Only the newer "extended" endpoint names the account.
        ...(trimmed.startsWith(EXTENDED_PATH) ? { AccountId: role.accountId } : {}),
      };
      return {
        status: 200,
        headers: { "content-type": "text/plain" },
        body: JSON.stringify(body, null, 2),
        record,
      };
    }
    case "GetRegion":
      return text(200, ctx.instanceRegion, record);
    case "GetInstanceId":
      return text(200, INSTANCE_ID, record);
    case "GetIdentityDocument": {
      const document = {
        accountId: role?.accountId ?? ctx.accountId,
        architecture: "x86_64",
        availabilityZone: `${ctx.instanceRegion}a`,
        imageId: "ami-0abcdef1234567890",
        instanceId: INSTANCE_ID,
        instanceType: "t3.micro",
        pendingTime: isoSeconds(ctx.now()),
        privateIp: "10.0.0.10",
        region: ctx.instanceRegion,
        version: "2017-09-30",
      };
      return {
        status: 200,
        headers: { "content-type": "text/plain" },
        body: JSON.stringify(document, null, 2),
        record,
      };
    }
    default:
      return text(404, "Not Found", record);
  }
}
