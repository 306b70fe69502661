/**
 * Maps failures of AWS calls and credential providers to user-facing errors (README, "Exit codes"): a response
 * from an AWS service is exit 4 and names the service, the AWS error code, region and identity;
 * a provider that could not produce credentials at all is exit 3 and says which source and why.
 */

import { EcrVarsError, isEcrVarsError } from "../core/errors.js";

export interface AwsErrorContext {
  /** `ECR`, `STS`, or `credentials` for a credential provider. */
  readonly service: string;
  readonly operation: string;
  readonly region: string | undefined;
  /** The identity or source used, e.g. `connector "ci" (access-keys)`. */
  readonly identity: string;
}

interface ServiceErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const HINTS: Record<string, string> = {
  AccessDenied:
    "grant the identity the permission for this call (see the IAM policy in the README)",
  AccessDeniedException:
    "grant the identity ecr:GetAuthorizationToken (see the IAM policy in the README)",
  InvalidSignatureException:
    "the secret access key does not match the access key id; check the secret",
  SignatureDoesNotMatch: "the secret access key does not match the access key id; check the secret",
  UnrecognizedClientException:
    "the access key id or session token is unknown in this partition; check the keys and the region",
  InvalidClientTokenId:
    "the access key id or session token is unknown in this partition; check the keys and the region",
  ExpiredToken: "the session credentials have expired; obtain fresh ones",
  ExpiredTokenException: "the session credentials have expired; obtain fresh ones",
  MalformedPolicyDocument: "fix the inline session policy",
  RegionDisabledException:
    "activate STS in this region in the account settings, or use another region",
};

/** Turns any thrown value into an EcrVarsError; an EcrVarsError passes through unchanged. */
export function toEcrVarsError(error: unknown, context: AwsErrorContext): EcrVarsError {
  if (isEcrVarsError(error)) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as ServiceErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  const where = context.region === undefined ? "" : ` in ${context.region}`;
  const detail = firstLine(shape.message ?? String(error));

  if (status !== undefined && status >= 400) {
    const code = shape.name ?? shape.Code ?? shape.code ?? `HTTP${status}`;
    const requestId = shape.$metadata?.requestId;
    return new EcrVarsError({
      kind: "aws",
      code: "AWS_REFUSED",
      message: `${context.service} ${context.operation}${where} failed for ${context.identity}: ${code}: ${detail}${requestId ? ` (request id ${requestId})` : ""}`,
      hint:
        HINTS[code] ??
        (status >= 500
          ? "AWS had a fault; try again later"
          : "check the identity's permissions and the settings"),
      cause: error,
    });
  }

  const network = networkReason(shape);
  if (context.service === "credentials" || shape.name === "CredentialsProviderError") {
    return new EcrVarsError({
      kind: "credentials",
      code: "NO_CREDENTIALS",
      message: `no usable credentials from ${context.identity}: ${network ?? detail}`,
      hint: "check that this source is configured on this machine, or choose another with --source/--connector",
      cause: error,
    });
  }
  return new EcrVarsError({
    kind: "aws",
    code: network ? "AWS_UNREACHABLE" : "AWS_FAILED",
    message: `${context.service} ${context.operation}${where} failed for ${context.identity}: ${network ?? detail}`,
    hint: network
      ? "check network access to the AWS endpoint (AWS_ENDPOINT_URL*, HTTPS_PROXY)"
      : "run again with --debug for details",
    cause: error,
  });
}

function networkReason(shape: ServiceErrorShape): string | undefined {
  const code = shape.code ?? shape.name;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  if (code === "ECONNRESET") return "connection reset";
  if (code === "TimeoutError" || code === "ETIMEDOUT") return "timed out";
  return undefined;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
