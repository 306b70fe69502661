/**
 * Amazon ECR Public over AWS JSON 1.1 (target prefix `SpencerFrontendService`, signing name
 * `ecr-public`): GetAuthorizationToken only. Its API answers in us-east-1 alone, and its answer
 * is one authorizationData object without a proxyEndpoint (the registry is public.ecr.aws).
 */
import { authenticate } from "./auth.js";
import type { Call, EmulatorContext, RecordDraft, Reply } from "./context.js";
import { type AwsError, ecrAuthError, jsonErrorReply } from "./errors.js";
import { newRequestId } from "./ids.js";
import { headerValue } from "./sigv4.js";

export const ECR_PUBLIC_TARGET_PREFIX = "SpencerFrontendService.";
export const ECR_PUBLIC_REGION = "us-east-1";
/** `failNext` key of this action, distinct from ECR's GetAuthorizationToken. */
export const ECR_PUBLIC_FAULT_KEY = "ecr-public:GetAuthorizationToken";

export function handleEcrPublic(call: Call, ctx: EmulatorContext): Reply {
  const requestId = newRequestId();
  const target = headerValue(call.rawHeaders, "x-amz-target") ?? "";
  const action = target.slice(ECR_PUBLIC_TARGET_PREFIX.length);
  let record: RecordDraft = { service: "ecr-public", action, params: {} };
  const fail = (error: AwsError): Reply => ({
    ...jsonErrorReply(error, requestId),
    record: { ...record, errorCode: error.code },
  });

  const auth = authenticate(call, "ecr-public", ctx.store, ctx.now());
  if (!auth.ok) {
    if (auth.accessKeyId !== undefined) record = { ...record, accessKeyId: auth.accessKeyId };
    return fail(ecrAuthError(auth.failure));
  }
  const region = auth.scope.region;
  record = {
    ...record,
    region,
    accessKeyId: auth.record.accessKeyId,
    identityArn: auth.record.principal.arn,
  };
  if (action !== "GetAuthorizationToken") {
    return fail({ status: 400, code: "UnknownOperationException", message: "" });
  }
  if (region !== ECR_PUBLIC_REGION) {
    return fail({
      status: 400,
      code: "UnsupportedCommandException",
      message: `GetAuthorizationToken is supported only in ${ECR_PUBLIC_REGION}, not in ${region}`,
    });
  }
  const fault = ctx.takeFault(ECR_PUBLIC_FAULT_KEY);
  if (fault !== undefined) {
    return fail({ status: fault.status, code: fault.code, message: fault.message ?? fault.code });
  }
  const token = Buffer.from(`AWS:${ctx.password()}`, "utf8").toString("base64");
  return {
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-RequestId": requestId },
    body: JSON.stringify({
      authorizationData: {
        authorizationToken: token,
        expiresAt: ctx.tokenExpiresAt().getTime() / 1000,
      },
    }),
    record,
  };
}
