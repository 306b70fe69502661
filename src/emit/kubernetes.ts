/**
 * `kubernetes`: `kubernetes.io/dockerconfigjson` Secrets for `kubectl apply -f -`, one per
 * namespace (docs/kubernetes.md, "Pull secrets"). The `.dockerconfigjson` is byte for byte what
 * `kubectl create secret docker-registry` writes for the same server, user and password: Go's
 * encoding/json of `{"auths":{HOST:{"username","password","auth"}}}`, hosts sorted as Go sorts
 * map keys, `<`, `>`, `&`, U+2028 and U+2029 escaped as Go escapes them.
 *
 * The manifests are YAML documents whose every string is a JSON-quoted scalar (a JSON string is
 * a valid double-quoted YAML scalar), so no value can change the documents' structure.
 */

import { usageError } from "../core/errors.js";
import type { Variable } from "../core/variables.js";
import { authValue, registryLogins } from "./docker-config.js";
import type { Renderer } from "./types.js";

export const DEFAULT_SECRET_NAME = "ecr-vars";
export const MANAGED_BY = "ecr-vars";
export const EXPIRES_ANNOTATION = "ecr-vars/expires-at";

/** A Secret's name: a DNS subdomain (RFC 1123), at most 253 characters. */
const SUBDOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
/** A namespace: a DNS label (RFC 1123), at most 63 characters. */
const LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Why `name` cannot name a Secret, or undefined when it can. */
export function secretNameProblem(name: string): string | undefined {
  if (name.length <= 253 && SUBDOMAIN.test(name)) return undefined;
  return `"${name}" is not a Secret name: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters`;
}

/** Why `namespace` cannot name a namespace, or undefined when it can. */
export function namespaceProblem(namespace: string): string | undefined {
  if (namespace.length <= 63 && LABEL.test(namespace)) return undefined;
  return `"${namespace}" is not a namespace: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters`;
}

/** A JSON string as Go's encoding/json writes it (HTML-safe escapes). */
export function goJsonString(value: string): string {
  return JSON.stringify(value)
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}

/** The `.dockerconfigjson` of the logins, as kubectl writes it (before base64). */
export function dockerConfigJson(
  logins: ReadonlyArray<{ host: string; username: string; password: string }>,
): string {
  // Go writes a map's keys in byte order.
  const sorted = [...logins].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  const entries = sorted.map(
    (login) =>
      `${goJsonString(login.host)}:{"username":${goJsonString(login.username)},"password":${goJsonString(login.password)},"auth":${goJsonString(authValue(login))}}`,
  );
  return `{"auths":{${entries.join(",")}}}`;
}

/** The earliest expiry among the registries' tokens (ISO-8601 UTC sorts as text). */
function earliestExpiry(variables: readonly Variable[]): string | undefined {
  const dates = variables
    .filter((v) => v.relativeName.endsWith(".expirationDate"))
    .map((v) => v.value)
    .sort();
  return dates[0];
}

export const kubernetes: Renderer = {
  name: "kubernetes",
  description:
    "kubernetes.io/dockerconfigjson Secrets for kubectl apply -f -: --secret-name (default ecr-vars), one per --secret-namespace, the token's expiry as an annotation",
  masking:
    "none by itself: the Secrets hold the password (base64 is no masking); pipe them into kubectl apply -f - or write them with --output (a 0600 file)",
  maskingKind: "clear",
  defaultOutput: { kind: "stdout" },
  secretOptions: true,
  render(variables, options) {
    const logins = registryLogins(variables);
    if (logins.length === 0) throw new Error("the run published no registry login");
    const name = options.secretName ?? DEFAULT_SECRET_NAME;
    const problem = secretNameProblem(name);
    if (problem !== undefined) throw usageError(`--secret-name: ${problem}`, "fix the name");
    const namespaces = options.secretNamespaces ?? [];
    const data = Buffer.from(dockerConfigJson(logins), "utf8").toString("base64");
    const expires = earliestExpiry(variables);
    const secret = (namespace: string | undefined) =>
      [
        "apiVersion: v1",
        "kind: Secret",
        "metadata:",
        `  name: ${goJsonString(name)}`,
        ...(namespace === undefined ? [] : [`  namespace: ${goJsonString(namespace)}`]),
        "  labels:",
        `    app.kubernetes.io/managed-by: ${goJsonString(MANAGED_BY)}`,
        ...(expires === undefined
          ? []
          : ["  annotations:", `    ${EXPIRES_ANNOTATION}: ${goJsonString(expires)}`]),
        'type: "kubernetes.io/dockerconfigjson"',
        "data:",
        `  .dockerconfigjson: ${goJsonString(data)}`,
        "",
      ].join("\n");
    const documents = namespaces.length === 0 ? [secret(undefined)] : namespaces.map(secret);
    const where =
      namespaces.length === 0
        ? "the current namespace"
        : `namespace${namespaces.length > 1 ? "s" : ""} ${namespaces.join(", ")}`;
    return {
      text: documents.map((document) => `---\n${document}`).join(""),
      wrote: `${documents.length} Secret${documents.length > 1 ? "s" : ""} ${name} (${logins.length} registr${logins.length > 1 ? "ies" : "y"}, ${where})`,
      notes: [
        `pods use it with imagePullSecrets: [{name: ${name}}]; the token expires ${expires ?? "in 12 hours"}, so refresh it well before (docs/kubernetes.md, "Pull secrets")`,
      ],
    };
  },
};
