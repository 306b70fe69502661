/**
 * Service-account mode (docs/kubernetes.md, "Service-account tokens"): the kubelet hands the
 * plugin the pod's service-account token and the annotations the config asks for; the plugin
 * assumes the role the annotation `eks.amazonaws.com/ecr-role-arn` names (else
 * `AWS_ECR_ROLE_ARN`) with that token. Pure: the request and the environment in, a decision out.
 *
 * The token cache keeps what one service account obtained under that service account alone
 * (issuer, subject and uid from the token's claims): another service account, even one annotated
 * with the same role, presents its own token to STS before it is served anything.
 */

import { environmentInputs } from "../cache/config.js";
import type { CacheConfig } from "../cache/key.js";
import { ROLE_ARN, ROLE_ARN_HINT } from "../core/task.js";
import type { ProviderRequest } from "./protocol.js";

/** The annotation the reference ECR plugin reads, so annotated service accounts keep working. */
export const ROLE_ANNOTATION = "eks.amazonaws.com/ecr-role-arn";
/** The role for every service account without the annotation. */
export const ROLE_VARIABLE = "AWS_ECR_ROLE_ARN";

export interface ServiceAccountRole {
  readonly roleArn: string;
  readonly token: string;
  /** `namespace/name`, for messages and provenance. */
  readonly name: string;
  /** The role session name STS records (CloudTrail): the service account's. */
  readonly sessionName: string;
  /** Names the service account in the token cache: issuer, subject, uid. */
  readonly cacheSource: string;
}

export type ServiceAccountMode =
  /** No token, or a token and no role: the helper's settings (the standard chain) decide. */
  | { readonly kind: "none" }
  | { readonly kind: "role"; readonly role: ServiceAccountRole }
  | { readonly kind: "invalid"; readonly message: string };

type Env = Readonly<Record<string, string | undefined>>;

export function serviceAccountMode(request: ProviderRequest, env: Env): ServiceAccountMode {
  const token = request.serviceAccountToken;
  if (token === undefined) return { kind: "none" };
  const annotated = request.serviceAccountAnnotations?.[ROLE_ANNOTATION];
  const roleArn = annotated || env[ROLE_VARIABLE] || undefined;
  if (roleArn === undefined) return { kind: "none" };
  const origin = annotated ? `the service account's annotation ${ROLE_ANNOTATION}` : ROLE_VARIABLE;
  if (!ROLE_ARN.test(roleArn)) {
    return {
      kind: "invalid",
      message: `${origin}: ${JSON.stringify(roleArn)} is not an IAM role ARN (fix: ${ROLE_ARN_HINT})`,
    };
  }
  const claims = claimsOf(token);
  if (claims === undefined) {
    return {
      kind: "invalid",
      message:
        "serviceAccountToken is not a Kubernetes service-account token (a JWT with iss and sub claims); check tokenAttributes in the CredentialProviderConfig",
    };
  }
  const match = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(claims.sub);
  const name = match === null ? claims.sub : `${match[1]}/${match[2]}`;
  return {
    kind: "role",
    role: {
      roleArn,
      token,
      name,
      sessionName: sessionName(name),
      cacheSource: `service-account:${[claims.iss, claims.sub, claims.uid ?? ""].join("\n")}`,
    },
  };
}

/** The token cache's configuration for a service account's role: its own, never shared. */
export function serviceAccountCacheConfig(
  role: ServiceAccountRole,
  env: Readonly<Record<string, string | undefined>>,
): Omit<CacheConfig, "region" | "registryId"> {
  // The AWS variables (endpoints) as for any source; the identity is the service account's, which
  // reads no file of the node.
  return { source: role.cacheSource, inputs: environmentInputs(env), roleArn: role.roleArn };
}

/** `ecr-vars-kubelet@NAMESPACE.NAME` within STS's 64 characters of [\w+=,.@-]. */
function sessionName(name: string): string {
  const text = `ecr-vars-kubelet@${name.replace("/", ".")}`.replace(/[^\w+=,.@-]+/g, "-");
  return text.length <= 64 ? text : text.slice(0, 64);
}

interface Claims {
  readonly iss: string;
  readonly sub: string;
  readonly uid?: string;
}

/**
 * The claims that name a service account. The token is not verified here: the kubelet obtained
 * it from the API server for this pod, and STS verifies it before anything is issued for it.
 */
function claimsOf(token: string): Claims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[1] ?? "")) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof payload !== "object" || payload === null) return undefined;
  const { iss, sub } = payload as Record<string, unknown>;
  if (typeof iss !== "string" || iss === "" || typeof sub !== "string" || sub === "")
    return undefined;
  const kubernetes = (payload as Record<string, unknown>)["kubernetes.io"] as
    | { serviceaccount?: { uid?: unknown } }
    | undefined;
  const uid = kubernetes?.serviceaccount?.uid;
  return { iss, sub, ...(typeof uid === "string" ? { uid } : {}) };
}
