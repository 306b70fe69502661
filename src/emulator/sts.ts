/** AWS STS over the AWS query protocol: form-encoded requests, XML responses. */
import { authenticate } from "./auth.js";
import type { Call, EmulatorContext, RecordDraft, Reply } from "./context.js";
import { type AwsError, queryErrorReply, STS_NAMESPACE, stsAuthError } from "./errors.js";
import { newRequestId } from "./ids.js";
import { headerValue } from "./sigv4.js";
import {
  assumeRole,
  assumeRoleWithWebIdentity,
  getCallerIdentity,
  getFederationToken,
  getSessionToken,
  type StsAction,
} from "./sts-actions.js";
import { xmlElement } from "./xml.js";

const VERSION = "2011-06-15";

const ACTIONS: Readonly<Record<string, StsAction>> = {
  GetCallerIdentity: getCallerIdentity,
  AssumeRole: assumeRole,
  AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
  GetSessionToken: getSessionToken,
  GetFederationToken: getFederationToken,
};

// These actions exist to obtain credentials from a token, so AWS accepts them unsigned.
const UNSIGNED_ACTIONS = new Set(["AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"]);

// Bearer tokens and one-time codes never reach the request log.
const SECRET_PARAMS = new Set(["WebIdentityToken", "TokenCode", "SAMLAssertion"]);

/** Query parameters and, for form posts, body parameters: the query protocol accepts both. */
export function stsParams(call: Call): URLSearchParams {
  const params = new URLSearchParams(call.query);
  const type = headerValue(call.rawHeaders, "content-type") ?? "";
  if (type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(call.body.toString("utf8"))) {
      params.append(key, value);
    }
  }
  return params;
}

function loggedParams(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key === "Action" || key === "Version") continue;
    out[key] = SECRET_PARAMS.has(key) ? "<redacted>" : value;
  }
  return out;
}

export function handleSts(call: Call, params: URLSearchParams, ctx: EmulatorContext): Reply {
  const requestId = newRequestId();
  const action = params.get("Action") ?? "";
  let record: RecordDraft = { service: "sts", action, params: loggedParams(params) };
  const fail = (error: AwsError): Reply => ({
    ...queryErrorReply(error, requestId),
    record: { ...record, errorCode: error.code },
  });

  let caller: Parameters<StsAction>[1];
  if (!UNSIGNED_ACTIONS.has(action)) {
    const auth = authenticate(call, "sts", ctx.store, ctx.now());
    if (!auth.ok) {
      if (auth.accessKeyId !== undefined) record = { ...record, accessKeyId: auth.accessKeyId };
      return fail(stsAuthError(auth.failure));
    }
    caller = auth.record;
    record = {
      ...record,
      region: auth.scope.region,
      accessKeyId: auth.record.accessKeyId,
      identityArn: auth.record.principal.arn,
    };
  }

  const run = ACTIONS[action];
  if (run === undefined || params.get("Version") !== VERSION) {
    return fail({
      status: 400,
      code: "InvalidAction",
      message: `Could not find operation ${action} for version ${params.get("Version") ?? "NO_VERSION_SPECIFIED"}`,
    });
  }
  const fault = ctx.takeFault(action);
  if (fault !== undefined) {
    return fail({ status: fault.status, code: fault.code, message: fault.message ?? fault.code });
  }
  const outcome = run(params, caller, ctx);
  if (!outcome.ok) return fail(outcome.error);

  const body = xmlElement(`${action}Response`, { xmlns: STS_NAMESPACE }, [
    xmlElement(`${action}Result`, {}, outcome.result),
    xmlElement("ResponseMetadata", {}, [xmlElement("RequestId", {}, requestId)]),
  ]);
  return {
    status: 200,
    headers: { "content-type": "text/xml", "x-amzn-RequestId": requestId },
    body: `${body}\n`,
    record,
  };
}
