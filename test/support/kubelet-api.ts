/**
 * The kubelet's side of the image credential provider protocol, written from the kubelet's API
 * types (`credentialprovider.kubelet.k8s.io` v1, v1beta1, v1alpha1): requests encoded as the
 * kubelet encodes them (Go's encoding/json in field order, `omitempty` on the service-account
 * fields), and a strict decoder of responses that refuses what the kubelet's strict decoder
 * refuses: another apiVersion than the configured one, another kind, a field the type does not
 * have, a value of the wrong type, a cacheDuration Go cannot parse, a cacheKeyType the kubelet
 * does not know.
 */

export const GROUP = "credentialprovider.kubelet.k8s.io";

export interface KubeletRequest {
  readonly image: string;
  readonly serviceAccountToken?: string;
  readonly serviceAccountAnnotations?: Record<string, string>;
}

/** The request's JSON as the kubelet writes it to the plugin's stdin. */
export function encodeRequest(version: "v1" | "v1beta1" | "v1alpha1", request: KubeletRequest) {
  const object: Record<string, unknown> = {
    kind: "CredentialProviderRequest",
    apiVersion: `${GROUP}/${version}`,
    image: request.image,
  };
  if (version === "v1") {
    if (request.serviceAccountToken) object.serviceAccountToken = request.serviceAccountToken;
    if (request.serviceAccountAnnotations && Object.keys(request.serviceAccountAnnotations).length)
      object.serviceAccountAnnotations = request.serviceAccountAnnotations;
  }
  return `${JSON.stringify(object)}\n`;
}

export interface DecodedResponse {
  readonly apiVersion: string;
  readonly cacheKeyType: "Image" | "Registry" | "Global";
  /** Milliseconds; undefined when absent (the config's defaultCacheDuration applies). */
  readonly cacheDurationMs?: number;
  readonly auth: Readonly<Record<string, { username: string; password: string }>>;
}

const RESPONSE_FIELDS = ["kind", "apiVersion", "cacheKeyType", "cacheDuration", "auth"];
const AUTH_FIELDS = ["username", "password"];

/** Decodes stdout as the kubelet does, or throws saying what it would refuse. */
export function decodeResponse(stdout: string, expectedApiVersion: string): DecodedResponse {
  const value: unknown = JSON.parse(stdout);
  if (!isObject(value)) throw new Error("the response is not a JSON object");
  if (value.apiVersion !== expectedApiVersion) {
    throw new Error(
      `apiVersion from credential plugin response did not match: expected ${expectedApiVersion}, got ${String(value.apiVersion)}`,
    );
  }
  if (value.kind !== "CredentialProviderResponse")
    throw new Error(`unexpected kind ${String(value.kind)}`);
  for (const key of Object.keys(value)) {
    if (!RESPONSE_FIELDS.includes(key)) throw new Error(`strict decoding: unknown field "${key}"`);
  }
  const { cacheKeyType, cacheDuration, auth } = value;
  if (cacheKeyType !== "Image" && cacheKeyType !== "Registry" && cacheKeyType !== "Global")
    throw new Error(`invalid cacheKeyType ${JSON.stringify(cacheKeyType)}`);
  let cacheDurationMs: number | undefined;
  if (cacheDuration !== undefined && cacheDuration !== null) {
    if (typeof cacheDuration !== "string") throw new Error("cacheDuration is not a string");
    cacheDurationMs = parseGoDuration(cacheDuration);
  }
  const logins: Record<string, { username: string; password: string }> = {};
  if (auth !== undefined && auth !== null) {
    if (!isObject(auth)) throw new Error("auth is not an object");
    for (const [match, entry] of Object.entries(auth)) {
      if (!isObject(entry)) throw new Error(`auth[${match}] is not an object`);
      for (const key of Object.keys(entry)) {
        if (!AUTH_FIELDS.includes(key))
          throw new Error(`strict decoding: unknown field "auth[${match}].${key}"`);
      }
      const { username = "", password = "" } = entry;
      if (typeof username !== "string" || typeof password !== "string")
        throw new Error(`auth[${match}]: username and password must be strings`);
      logins[match] = { username, password };
    }
  }
  return {
    apiVersion: value.apiVersion as string,
    cacheKeyType,
    ...(cacheDurationMs === undefined ? {} : { cacheDurationMs }),
    auth: logins,
  };
}

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.ParseDuration, in milliseconds: `[-+]` then number-unit pairs, or `0`. */
export function parseGoDuration(text: string): number {
  const body = text.replace(/^[-+]/, "");
  if (body === "0") return 0;
  if (body === "") throw new Error(`time: invalid duration "${text}"`);
  let total = 0;
  let rest = body;
  while (rest !== "") {
    const match = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (match === null) throw new Error(`time: invalid duration "${text}"`);
    total += Number(match[1]) * (UNITS[match[2] ?? ""] ?? Number.NaN);
    rest = rest.slice(match[0].length);
  }
  return text.startsWith("-") ? -total : total;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
