/**
 * Cache keys. Tokens are stored under the *resolved identity* (the caller's ARN from STS
 * GetCallerIdentity, assumed-role sessions folded into their role) plus registry and region, so
 * that every configuration acting as the same principal shares one token. Keying on the access
 * key id, as the Go helper does, never hits with assumed roles: their key changes every session.
 *
 * Finding the identity costs an AWS call, which a cache hit must not make. So a second, cheap key
 * describes the *configuration* (source, connector, role, region, registry, endpoints, a hash
 * of the credential-bearing environment, and a stamp of the files the credential source reads)
 * and points at the identity's token. A hit follows that
 * pointer with no AWS call and without loading the SDK. When the configuration changes (a new
 * session's keys in the environment) the pointer misses, one GetCallerIdentity names the identity,
 * and its token is reused if still fresh: one STS call, no new ECR token.
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
  /** The connectors file's size and mtime: an edited file is a new configuration. */
  readonly connectorsStamp?: string;
  /**
   * Inode, size and modification time of every file the credential source reads (shared
   * credentials and config files, web identity token file, SSO cache, ...): a switched key in
   * `~/.aws/credentials` is a new configuration, found without reading the file.
   */
  readonly inputsStamp?: string;
  readonly roleArn?: string;
  readonly region: string;
  /** The registry account id, or `default` for the caller's own registry. */
  readonly registryId: string;
}

// Environment variables that select or carry credentials or endpoints. Their values enter the
// key only as a hash. Our own published variables (`*password`) are left out: under
// `ecr-vars exec` they are in the environment and must not turn every lookup into a miss.
// Case-insensitively: an ASCII name is matched in upper case, by plain string tests (any regular
// expression costs its first use more than the whole comparison, README "Start-up"); any other
// by a case-insensitive regular expression, which differs from toUpperCase for a few non-ASCII
// letters.
const IDENTITY_PREFIX = "AWS_";
const IDENTITY_WORDS = ["KEY", "SECRET", "TOKEN", "ROLE", "PROFILE", "CONNECTOR"];

/** Whether a variable of this name enters the fingerprint (exported for its tests). */
export function isIdentityName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    if (name.charCodeAt(i) > 0x7f) {
      const words = new RegExp(`^${IDENTITY_PREFIX}|${IDENTITY_WORDS.join("|")}`, "i");
      return words.test(name) && !/password$/i.test(name);
    }
  }
  const upper = name.toUpperCase();
  return (
    (upper.startsWith(IDENTITY_PREFIX) || IDENTITY_WORDS.some((word) => upper.includes(word))) &&
    !upper.endsWith("PASSWORD")
  );
}

export function environmentFingerprint(env: Env): string {
  const parts: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!isIdentityName(name) || name.startsWith("ECR_VARS_CACHE")) continue;
    parts.push(`${name}\0${env[name] ?? ""}\0`);
  }
  return sha256Hex(parts.join(""));
}

export function configKey(config: CacheConfig, env: Env): string {
  return configKeyOf(config, environmentFingerprint(env));
}

const hashes = new Map<string, string>();

/**
 * configKey with the environment's fingerprint computed once for many registries. The hash
 * covers what may hold secrets or paths (source, connectors, credential files, role, the
 * environment's fingerprint) and is computed once per process for all the registries and regions
 * of one configuration, which follow it in clear: a 40-registry cache hit hashed 40 times in
 * plain JavaScript, a tenth of its time (README "Start-up").
 */
export function configKeyOf(config: CacheConfig, fingerprint: string): string {
  const parts = [
    "v2",
    config.source,
    config.connectorsPath ?? "",
    config.connectorsStamp ?? "",
    config.inputsStamp ?? "",
    config.roleArn ?? "",
    fingerprint,
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
