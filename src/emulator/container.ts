/**
 * The container credentials endpoint, as the ECS agent and the EKS Pod Identity agent serve it:
 * GET with the `Authorization` header the runtime put in AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE),
 * answered with JSON `{AccessKeyId, SecretAccessKey, Token, Expiration}`.
 */
import type { Call, EmulatorContext, RecordDraft, Reply } from "./context.js";
import { headerValue } from "./sigv4.js";
import { assumedRolePrincipal } from "./state.js";

const TASK_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const CREDENTIAL_LIFETIME_MS = 6 * 3600 * 1000;

export interface ContainerRole {
  readonly roleName: string;
  readonly accountId: string;
  /** The value the Authorization header must carry. */
  readonly authorizationToken: string;
}

/** Paths the agents serve: ECS `/v2/credentials/<id>`, EKS Pod Identity `/v1/credentials`. */
export function isContainerPath(path: string): boolean {
  return path === "/v1/credentials" || path.startsWith("/v2/credentials/");
}

function json(status: number, body: unknown, record: RecordDraft): Reply {
  return {
    status,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    record,
  };
}

export function handleContainer(call: Call, ctx: EmulatorContext): Reply {
  const record: RecordDraft = {
    service: "container",
    action: "GetCredentials",
    params: { method: call.method, path: call.path },
  };
  const role = ctx.containerRole;
  if (role === undefined) return json(404, { message: "no container role" }, record);
  if (call.method !== "GET") return json(405, { message: "Method Not Allowed" }, record);
  if (headerValue(call.rawHeaders, "authorization") !== role.authorizationToken) {
    return json(
      401,
      { code: "AccessDeniedException", message: "Authorization header is missing or wrong" },
      { ...record, errorCode: "AccessDeniedException" },
    );
  }
  const fault = ctx.takeFault("GetContainerCredentials");
  if (fault !== undefined) {
    return json(
      fault.status,
      { code: fault.code, message: fault.message ?? fault.code },
      { ...record, errorCode: fault.code },
    );
  }
  const principal = assumedRolePrincipal("aws", role.accountId, role.roleName, TASK_ID);
  const issued = ctx.store.issue(
    principal,
    "container-role",
    new Date(ctx.now().getTime() + CREDENTIAL_LIFETIME_MS),
  );
  return json(
    200,
    {
      AccessKeyId: issued.accessKeyId,
      SecretAccessKey: issued.secretAccessKey,
      Token: issued.sessionToken,
      Expiration: issued.expiration.toISOString().replace(/\.\d{3}Z$/, "Z"),
      RoleArn: `arn:aws:iam::${role.accountId}:role/${role.roleName}`,
    },
    { ...record, identityArn: principal.arn },
  );
}
