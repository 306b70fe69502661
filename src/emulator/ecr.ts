/** Amazon ECR over AWS JSON 1.1: only what registry logins need, GetAuthorizationToken. */
import { authenticate } from "./auth.js";
import type { Call, EmulatorContext, RecordDraft, Reply } from "./context.js";
import { type AwsError, ecrAuthError, jsonErrorReply } from "./errors.js";
import { newRequestId } from "./ids.js";
import { headerValue } from "./sigv4.js";

export const ECR_TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921.";
const REGISTRY_ID = /^[0-9]{12}$/;
const MAX_REGISTRY_IDS = 10;

function invalidParameter(message: string): AwsError {
  return { status: 400, code: "InvalidParameterException", message };
}

/** Registry ids from the request body, or the error ECR would give for them. */
type RegistryIds =
  | { readonly ok: true; readonly ids: readonly string[] | undefined }
  | { readonly ok: false; readonly error: AwsError };

function registryIdsOf(input: Record<string, unknown>): RegistryIds {
  const ids: unknown = input.registryIds;
  if (ids === undefined || ids === null) return { ok: true, ids: undefined };
  if (!Array.isArray(ids)) {
    return { ok: false, error: invalidParameter("registryIds must be a list of registry ids.") };
  }
  if (ids.length < 1 || ids.length > MAX_REGISTRY_IDS) {
    return {
      ok: false,
      error: invalidParameter(
        `Invalid parameter at 'registryIds' failed to satisfy constraint: 'Member must have length between 1 and ${MAX_REGISTRY_IDS}'`,
      ),
    };
  }
  for (const id of ids) {
    if (typeof id !== "string" || !REGISTRY_ID.test(id)) {
      return {
        ok: false,
        error: invalidParameter(
          "Invalid parameter at 'registryIds' failed to satisfy constraint: 'Member must satisfy regular expression pattern: [0-9]{12}'",
        ),
      };
    }
  }
  return { ok: true, ids: ids as string[] };
}

function parseBody(body: Buffer): Record<string, unknown> | undefined {
  const text = body.toString("utf8").trim();
  if (text === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function handleEcr(call: Call, ctx: EmulatorContext): Reply {
  const requestId = newRequestId();
  const target = headerValue(call.rawHeaders, "x-amz-target") ?? "";
  const action = target.startsWith(ECR_TARGET_PREFIX)
    ? target.slice(ECR_TARGET_PREFIX.length)
    : target;
  let record: RecordDraft = { service: "ecr", action, params: {} };
  const fail = (error: AwsError): Reply => ({
    ...jsonErrorReply(error, requestId),
    record: { ...record, errorCode: error.code },
  });

  const auth = authenticate(call, "ecr", ctx.store, ctx.now());
  if (!auth.ok) {
    if (auth.accessKeyId !== undefined) record = { ...record, accessKeyId: auth.accessKeyId };
    return fail(ecrAuthError(auth.failure));
  }
  const region = auth.scope.region;
  const principal = auth.record.principal;
  record = {
    ...record,
    region,
    accessKeyId: auth.record.accessKeyId,
    identityArn: principal.arn,
  };

  if (action !== "GetAuthorizationToken" || !target.startsWith(ECR_TARGET_PREFIX)) {
    return fail({ status: 400, code: "UnknownOperationException", message: "" });
  }
  const input = parseBody(call.body);
  if (input === undefined) {
    return fail({ status: 400, code: "SerializationException", message: "Malformed JSON body" });
  }
  record = { ...record, params: input };

  const fault = ctx.takeFault(action);
  if (fault !== undefined) {
    return fail({ status: fault.status, code: fault.code, message: fault.message ?? fault.code });
  }
  const ids = registryIdsOf(input);
  if (!ids.ok) return fail(ids.error);

  const token = Buffer.from(`AWS:${ctx.password()}`, "utf8").toString("base64");
  // ECR sends a timestamp as epoch seconds with a fractional part.
  const expiresAt = ctx.tokenExpiresAt().getTime() / 1000;
  const authorizationData = (ids.ids ?? [principal.accountId]).map((id) => ({
    authorizationToken: token,
    expiresAt,
    proxyEndpoint: ctx.proxyEndpoint(id, region),
  }));
  return {
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-RequestId": requestId },
    body: JSON.stringify({ authorizationData }),
    record,
  };
}
