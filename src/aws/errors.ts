/**
 * Maps failures of AWS calls and credential providers to user-facing errors (README, "Exit codes"): a response
 * from an AWS service is exit 4 and names the service, the AWS error code, region and identity;
 * a provider that could not produce credentials at all is exit 3 and says which source and why.
 */

import { EcrVarsError, isEcrVarsError } from "../core/errors.js";
import { endpointOf } from "./attempts.js";

export interface AwsErrorContext {
  /** `ECR`, `STS`, or `credentials` for a credential provider. */
  readonly service: string;
  readonly operation: string;
  readonly region: string | undefined;
  /** The identity or source used, e.g. `connector "ci" (access-keys)`. */
  readonly identity: string;
  /** The per-attempt timeout, to say how long each attempt waited. */
  readonly attemptTimeoutMs?: number;
  /**
   * The proxy the call went through (`http://proxy:3128 (HTTPS_PROXY)`): every connection goes
   * to it, so a connection that fails is the proxy's, and the message names it, not the endpoint.
   */
  readonly proxy?: string;
  /**
   * How the program printing the error chooses another credential source, in its own terms
   * (the CLI's flags, the helper's variables); default: the CLI's.
   */
  readonly otherSources?: string;
}

/** How the CLI chooses another credential source. */
export const CLI_OTHER_SOURCES =
  "--source instance-role or --connector ID|NAME (docs/connectors.md)";

interface ServiceErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  /** A failed name lookup (ENOTFOUND, EAI_AGAIN) names the host it looked up. */
  hostname?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
}

/** Error codes by which AWS says "too many requests": retried, and never a permissions problem. */
const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ProvisionedThroughputExceededException",
  "LimitExceededException",
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "PriorRequestNotComplete",
  "TransactionInProgressException",
]);

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
  const endpoint = endpointOf(error);
  const attempts = shape.$metadata?.attempts;
  const tried = attempts !== undefined && attempts > 1 ? `${attempts} attempts` : "";

  if (status !== undefined && status >= 400 && isUnreadableAnswer(error)) {
    // AWS answers an error in its protocol, with a request id; this came from something else.
    const via = context.proxy === undefined ? "" : ` through the proxy ${context.proxy}`;
    return new EcrVarsError({
      kind: "aws",
      code: "NOT_AWS_ANSWER",
      message: `${context.service} ${context.operation}${where} failed for ${context.identity}: the answer was HTTP ${status}${via} in no protocol of AWS (${detail}), so it did not come from AWS${endpoint ? ` (endpoint ${endpoint})` : ""}`,
      hint: `something between here and AWS answered (a proxy, a firewall, a captive portal), or the endpoint is not AWS: check ${context.proxy === undefined ? "AWS_ENDPOINT_URL* and HTTPS_PROXY / NO_PROXY" : "the proxy, NO_PROXY and AWS_ENDPOINT_URL*"}`,
      cause: error,
    });
  }

  if (status !== undefined && status >= 400) {
    const code = shape.name ?? shape.Code ?? shape.code ?? `HTTP${status}`;
    const requestId = shape.$metadata?.requestId;
    const notes = [
      requestId ? `request id ${requestId}` : "",
      endpoint ? `endpoint ${endpoint}` : "",
      tried,
    ].filter((note) => note !== "");
    return new EcrVarsError({
      kind: "aws",
      code: "AWS_REFUSED",
      message: `${context.service} ${context.operation}${where} failed for ${context.identity}: ${code}: ${detail}${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`,
      hint:
        HINTS[code] ??
        (THROTTLING.has(code) || status === 429
          ? `AWS throttled ${tried === "" ? "the call" : `all ${tried}`}; wait a minute and run again, or run fewer jobs against this account at once`
          : status >= 500
            ? "AWS had a fault; try again later"
            : "check the identity's permissions and the settings"),
      cause: error,
    });
  }

  const network = networkReason(shape, context.attemptTimeoutMs, context.proxy);
  if (network === undefined && isUnreadableAnswer(error)) {
    return new EcrVarsError({
      kind: "aws",
      code: "AWS_MALFORMED_RESPONSE",
      message: `${context.service} ${context.operation}${where} failed for ${context.identity}: the answer could not be read: ${detail}${endpoint ? ` (endpoint ${endpoint})` : ""}`,
      hint: "the endpoint answered something that is not AWS's protocol; check AWS_ENDPOINT_URL* and any proxy",
      cause: error,
    });
  }
  if (context.service === "credentials" || shape.name === "CredentialsProviderError") {
    return new EcrVarsError({
      kind: "credentials",
      code: "NO_CREDENTIALS",
      message: `no usable credentials from ${context.identity}: ${network ?? detail}`,
      hint: `check that this source is configured on this machine, or choose another: ${context.otherSources ?? CLI_OTHER_SOURCES}`,
      cause: error,
    });
  }
  const notes = [endpoint ? `endpoint ${endpoint}` : "", tried].filter((note) => note !== "");
  return new EcrVarsError({
    kind: "aws",
    code: network ? "AWS_UNREACHABLE" : "AWS_FAILED",
    message: `${context.service} ${context.operation}${where} failed for ${context.identity}: ${network ?? detail}${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`,
    hint:
      network === undefined
        ? "run again with --debug for details"
        : context.proxy !== undefined
          ? "check that the proxy's address is right and that it is running and reachable from here (HTTPS_PROXY / HTTP_PROXY; NO_PROXY for hosts to reach directly)"
          : "check network access to the AWS endpoint (AWS_ENDPOINT_URL*, HTTPS_PROXY)",
    cause: error,
  });
}

/**
 * A failed connection in words. Through a proxy every connection is to the proxy, so a refused
 * connection or a name not found is the proxy's. "Not found" is said of a name, and names it.
 */
function networkReason(
  shape: ServiceErrorShape,
  attemptTimeoutMs?: number,
  proxy?: string,
): string | undefined {
  const code = shape.code ?? shape.name;
  const name = shape.hostname === undefined ? "" : ` ${shape.hostname}`;
  if (code === "ECONNREFUSED")
    return proxy === undefined ? "connection refused" : `the proxy ${proxy} refused the connection`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    const lookup =
      code === "EAI_AGAIN"
        ? "could not be looked up (DNS failed for now)"
        : "was not found (no such name in DNS)";
    return proxy === undefined
      ? `the host name${name} ${lookup}`
      : `the proxy ${proxy}: its host name${name} ${lookup}`;
  }
  if (code === "ECONNRESET" || code === "EPIPE")
    return proxy === undefined
      ? "connection reset"
      : `connection reset (through the proxy ${proxy})`;
  if (code === "TimeoutError" || code === "ETIMEDOUT" || shape.name === "TimeoutError") {
    const via = proxy === undefined ? "" : ` (through the proxy ${proxy})`;
    return attemptTimeoutMs === undefined
      ? `timed out${via}`
      : `no answer within ${formatSeconds(attemptTimeoutMs)} per attempt${via}`;
  }
  return undefined;
}

/** A JSON or XML answer the SDK could not parse (a truncated body, an HTML error page). */
function isUnreadableAnswer(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return (
    name === "SyntaxError" ||
    "$responseBodyText" in error ||
    (typeof message === "string" && /XML parse error|Deserialization error/i.test(message))
  );
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
