/**
 * Cache keys. Tokens are stored under the *resolved identity* (the caller's ARN from STS
 * GetCallerIdentity, assumed-role sessions folded into their role) plus registry and region, so
 * that every configuration acting as the same principal shares one token. Keying on the access
 * key id, as the Go helper does, never hits with assumed roles: their key changes every session.
 *
 * Finding the identity costs an AWS call, which a cache hit must not make. So a second, cheap key
 * describes the *configuration* (source, connector, role, region, registry, and a hash of the
 * contents of what the credential source reads: config.ts) and points at the identity's token. A
 * hit follows that pointer with no AWS call and without loading the SDK. When the configuration
 * changes (a new session's keys in the environment) the pointer misses, one GetCallerIdentity
 * names the identity, and its token is reused if still fresh: one STS call, no new ECR token.
 *
 * This module is on the helper's cache-hit path: no node:crypto, no library (see sha256.ts).
 */

import { sha256Hex } from "../core/sha256.js";

type Env = Readonly<Record<string, string | undefined>>;

/** What decides which identity a run acts as, before any credential is resolved. */
export interface CacheConfig {
  /** `default-chain`, `instance-role` or `connector:<id-or-name>`. */
  readonly source: string;
  /** Absolute connectors file path, for connector sources. */
  readonly connectorsPath?: string;
  /**
   * SHA-256 of the inputs that decide the identity, by content (config.ts): the AWS variables,
   * the shared credential files, token files and SSO caches, the connectors file.
   */
  readonly inputs: string;
  readonly roleArn?: string;
  readonly region: string;
  /** The registry account id, or `default` for the caller's own registry. */
  readonly registryId: string;
}

const hashes = new Map<string, string>();

/**
 * The configuration key. The hash covers what may hold secrets or paths (source, connectors,
 * inputs, role) and is computed once per process for all the registries and regions of one
 * configuration, which follow it in clear.
 */
export function configKey(config: CacheConfig): string {
  const parts = [
    "v3",
    config.source,
    config.connectorsPath ?? "",
    config.inputs,
    config.roleArn ?? "",
  ].join("\n");
  let hash = hashes.get(parts);
  if (hash === undefined) {
    hash = sha256Hex(parts);
    hashes.set(parts, hash);
  }
  return `${hash}:${config.region}:${config.registryId}`;
}

/** `arn:…:sts::ACCOUNT:assumed-role/ROLE/SESSION` → `arn:…:iam::ACCOUNT:role/ROLE`; others as is. */
export function identityOf(callerArn: string): string {
  const match = /^arn:([^:]+):sts::(\d{12}):assumed-role\/(.+)\/[^/]+$/.exec(callerArn);
  return match === null ? callerArn : `arn:${match[1]}:iam::${match[2]}:role/${match[3]}`;
}

/** The account of an ARN (the caller's default registry). */
export function accountOf(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn)?.[1];
}

export function tokenKey(identity: string, registryId: string, region: string, endpoint: string) {
  return sha256Hex(["v1", identity, registryId, region, endpoint].join("\n"));
}

/** The ECR endpoint override in effect, so an emulator's tokens never answer for real AWS. */
export function endpointOf(env: Env): string {
  return env.AWS_ENDPOINT_URL_ECR ?? env.AWS_ENDPOINT_URL ?? "";
}
