/**
 * The kubelet's image credential provider protocol (docs/kubernetes.md): one
 * `CredentialProviderRequest` in, one `CredentialProviderResponse` out, both JSON. Pure: text in,
 * values or messages out. The kubelet decodes the answer strictly, so the response carries the
 * protocol's fields and nothing else; the request is read as strictly, so that a kubelet
 * speaking a version we do not know fails loudly instead of being half understood.
 *
 * No message built here ever holds the service-account token.
 */

export const API_GROUP = "credentialprovider.kubelet.k8s.io";

/**
 * The versions answered, with the request fields each one has: the service-account fields exist
 * only in v1 (the kubelet sends them only when the provider's config sets `tokenAttributes`).
 */
const REQUEST_FIELDS: Readonly<Record<string, readonly string[]>> = {
  v1: ["kind", "apiVersion", "image", "serviceAccountToken", "serviceAccountAnnotations"],
  v1beta1: ["kind", "apiVersion", "image"],
  v1alpha1: ["kind", "apiVersion", "image"],
};

export const API_VERSIONS: readonly string[] = Object.keys(REQUEST_FIELDS).map(
  (version) => `${API_GROUP}/${version}`,
);

export interface ProviderRequest {
  /** `credentialprovider.kubelet.k8s.io/v1` and so on: the answer carries the same. */
  readonly apiVersion: string;
  /** The image as the kubelet names it: `host[:port]/repository`, perhaps with a tag or digest. */
  readonly image: string;
  /** `host[:port]` in lower case: the registry the image names, whose credentials are asked for. */
  readonly host: string;
  /** `host[:port]` exactly as the image spells it: the key of the answer's `auth`. */
  readonly authKey: string;
  readonly serviceAccountToken?: string;
  readonly serviceAccountAnnotations?: Readonly<Record<string, string>>;
}

export type RequestParse =
  | { readonly ok: true; readonly request: ProviderRequest }
  | { readonly ok: false; readonly message: string };

const refuse = (message: string): RequestParse => ({ ok: false, message });

/** The request on stdin, checked field by field as the kubelet's own strict decoder would. */
export function parseRequest(text: string): RequestParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refuse(
      text.trim() === ""
        ? "no CredentialProviderRequest on stdin (this program is started by the kubelet, which sends one)"
        : "stdin is not a JSON CredentialProviderRequest",
    );
  }
  if (!isObject(value)) return refuse("the request on stdin is not a JSON object");
  const { apiVersion, kind } = value;
  if (typeof apiVersion !== "string" || apiVersion === "")
    return refuse("the request has no apiVersion");
  const [group, version = ""] = apiVersion.split("/", 2);
  const fields = group === API_GROUP ? REQUEST_FIELDS[version] : undefined;
  if (fields === undefined || !Object.hasOwn(REQUEST_FIELDS, version)) {
    return refuse(
      `apiVersion ${JSON.stringify(apiVersion)} is not one this provider answers (fix: set the provider's apiVersion in the CredentialProviderConfig to one of ${API_VERSIONS.join(", ")})`,
    );
  }
  if (kind !== "CredentialProviderRequest")
    return refuse(`kind is ${JSON.stringify(kind)}, expected "CredentialProviderRequest"`);
  for (const key of Object.keys(value)) {
    if (!fields.includes(key))
      return refuse(`the ${apiVersion} request has an unknown field ${JSON.stringify(key)}`);
  }
  const { image, serviceAccountToken, serviceAccountAnnotations } = value;
  if (typeof image !== "string" || image === "") return refuse("the request names no image");
  const host = registryOf(image);
  if (host === undefined)
    return refuse(`the image ${JSON.stringify(image)} does not start with a registry host`);
  if (serviceAccountToken !== undefined && typeof serviceAccountToken !== "string")
    return refuse("serviceAccountToken is not a string");
  if (serviceAccountAnnotations !== undefined) {
    if (!isObject(serviceAccountAnnotations))
      return refuse("serviceAccountAnnotations is not an object of strings");
    for (const [key, annotation] of Object.entries(serviceAccountAnnotations)) {
      if (typeof annotation !== "string")
        return refuse(`serviceAccountAnnotations[${JSON.stringify(key)}] is not a string`);
    }
  }
  return {
    ok: true,
    request: {
      apiVersion,
      image,
      host,
      authKey: image.slice(0, host.length),
      ...(serviceAccountToken === undefined || serviceAccountToken === ""
        ? {}
        : { serviceAccountToken }),
      ...(serviceAccountAnnotations === undefined
        ? {}
        : {
            serviceAccountAnnotations: Object.fromEntries(
              Object.entries(serviceAccountAnnotations as Record<string, string>),
            ),
          }),
    },
  };
}

/**
 * The registry of an image, as the kubelet keys its cache by it: everything before the first
 * `/`, lower-cased. Undefined when that is not a host with an optional port (a Docker Hub short
 * name such as `nginx` or `library/nginx` names no registry host).
 */
export function registryOf(image: string): string | undefined {
  const host = (image.split("/", 1)[0] ?? "").toLowerCase();
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/.test(host) || host.includes(".."))
    return undefined;
  // `nginx`, `library/nginx`: a Docker Hub name, whose first segment is not a host.
  if (!host.includes(".") && !host.includes(":") && host !== "localhost") return undefined;
  return host;
}

/**
 * Seconds as Go's `time.Duration` prints them (`6h0m0s`, `1m30s`, `45s`, `0s`), the form of a
 * `metav1.Duration` in JSON.
 */
export function goDuration(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/**
 * How long the kubelet may keep the answer: half the token's remaining validity, as the kubelet
 * learns of it only now and may hand it to a pull that starts later; never past the expiry.
 * `0s` (do not cache) when less than two seconds are left.
 */
export function cacheSeconds(expiresAt: Date, now: Date): number {
  const left = Math.floor((expiresAt.getTime() - now.getTime()) / 1000);
  return left < 2 ? 0 : Math.floor(left / 2);
}

export interface ProviderResponse {
  readonly kind: "CredentialProviderResponse";
  readonly apiVersion: string;
  readonly cacheKeyType: "Registry";
  readonly cacheDuration: string;
  readonly auth?: Readonly<
    Record<string, { readonly username: string; readonly password: string }>
  >;
}

/**
 * The answer: the request's apiVersion, cached per registry, the login under the host the image
 * names (an alias host works as well as the registry's own). Without a login (ECR Public with no
 * AWS credentials: pull anonymously) `auth` is left out and nothing is cached.
 */
export function buildResponse(
  request: Pick<ProviderRequest, "apiVersion" | "authKey">,
  login: { readonly username: string; readonly password: string } | undefined,
  seconds: number,
): ProviderResponse {
  return {
    kind: "CredentialProviderResponse",
    apiVersion: request.apiVersion,
    cacheKeyType: "Registry",
    cacheDuration: goDuration(login === undefined ? 0 : seconds),
    ...(login === undefined
      ? {}
      : { auth: { [request.authKey]: { username: login.username, password: login.password } } }),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
