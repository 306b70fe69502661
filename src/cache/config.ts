/**
 * The cache configuration of a run and what its key holds: every input that can change the
 * identity, by content, not by file stamp (docs/docker.md, "The token cache"). A file copied with its
 * timestamps kept (`cp -p`, `rsync -t`, `tar`) or a key written behind a `${file:}` reference
 * changes the key; a stamp would not see either. Runs on the cache-hit path: synchronous, bounded
 * reads of a few small files, no library.
 *
 * Two levels. The key (key.ts) hashes what is known before the connectors file is parsed: the
 * source, the `AWS_*` variables (all of them: the SDK's chain reads many, and a value that is not
 * an identity's only costs a miss), the shared credentials and config files, the web identity and
 * container authorization token files, the SSO and console-login token caches, and the connectors
 * file. What only a parsed connector names (its `${file:}` targets and `tokenFile`, its
 * `${env.X}` / `${bamboo.X}` variables, whatever their names, those of its bases) and the
 * identity a host-bound source had are *dependencies*: the run that writes a token records them
 * with a digest of their contents (`Dependencies`), and a hit recomputes that digest.
 */

import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { sha256Hex } from "../core/sha256.js";
import { sharedConfigPath, sharedCredentialsPath } from "../platform/aws-config.js";
import { LIMITS, readBoundedBytesSync } from "../platform/bounded-read.js";
import { homeDir } from "../platform/home.js";
import type { CacheConfig } from "./key.js";

type Env = Readonly<Record<string, string | undefined>>;

export interface SourceSettings {
  /** `default-chain`, `instance-role`, `connector` with `connector` set, `profile` with `profile`. */
  readonly source: "default-chain" | "instance-role" | "connector" | "profile";
  /** A profile of the shared AWS files: keyed by name, beside the files it reads. */
  readonly profile?: string;
  /** The connector's id or name, variables already resolved. */
  readonly connector?: string;
  readonly connectorsPath?: string;
  readonly roleArn?: string;
}

/** A host-bound credential source: its identity is what the host's endpoint hands out. */
export type HostBound = "imds" | "container";

/**
 * What a cached token also depended on, recorded when it was written: files and variables a
 * connector references, and for a host-bound source the endpoint it came from.
 */
export interface Dependencies {
  readonly files: readonly string[];
  readonly variables: readonly string[];
  readonly host?: HostBound;
}

/** SSO caches hold a file per session; more entries than this are not worth a hit to hash. */
const MAX_CACHE_DIR_ENTRIES = 256;

/**
 * The files the AWS SDK's credential providers read for a source other than the instance role:
 * the shared credentials and config files, the web identity token file, the container
 * authorization token file, and the SSO and console-login token caches (directories, hashed
 * file by file). Connectors of type `profile` and the default chain as a base read the same.
 */
export function credentialInputFiles(env: Env): string[] {
  const home = homeDir(env);
  const files = [
    sharedCredentialsPath(env),
    sharedConfigPath(env),
    join(home, ".aws", "sso", "cache"),
    join(home, ".aws", "login", "cache"),
  ];
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) files.push(env.AWS_WEB_IDENTITY_TOKEN_FILE);
  if (env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)
    files.push(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE);
  return files;
}

/**
 * A file's content as a hash, `-` when it does not exist, `!CODE` when it cannot be read (a run
 * would fail on it: nothing is cached then). A directory: each of its entries, by name.
 */
export function contentOf(path: string, limit: number = LIMITS.configFile, nested = false): string {
  try {
    // latin1: one character per byte, so that different bytes never hash alike.
    return sha256Hex(readBoundedBytesSync(path, limit, { regularOnly: true }).toString("latin1"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return "-";
    if (code !== "EISDIR") return `!${code ?? "read"}`;
  }
  // A directory's directories are not followed: a link to its parent must not recurse.
  if (nested) return "dir";
  let names: string[];
  try {
    names = readdirSync(path).sort();
  } catch (error) {
    return `!${(error as NodeJS.ErrnoException).code ?? "read"}`;
  }
  // Too many to hash on every hit: a key that never hits, rather than one that misses a change.
  if (names.length > MAX_CACHE_DIR_ENTRIES) return `!many:${Math.random()}`;
  return sha256Hex(
    names
      .map((name) => `${name}\0${contentOf(join(path, name), LIMITS.secretFile, true)}`)
      .join("\n"),
  );
}

/** `NAME=value` of every `AWS_*` variable, sorted, after a marker: the SDK reads its settings from them. */
function environmentParts(env: Env): string[] {
  const parts = ["env"];
  for (const name of Object.keys(env).sort()) {
    if (name.startsWith("AWS_")) parts.push(`${name}\0${env[name] ?? ""}`);
  }
  return parts;
}

/**
 * The `inputs` of a configuration whose identity reads no local file, only the AWS variables
 * (endpoints, region): the instance role's, and the credentials a request hands over (the kubelet
 * plugin's service-account token).
 */
export function environmentInputs(env: Env): string {
  return sha256Hex(environmentParts(env).join("\n"));
}

export function cacheConfigFor(
  settings: SourceSettings,
  env: Env,
): Omit<CacheConfig, "region" | "registryId"> {
  const parts = environmentParts(env);
  // The instance role reads no local file; every other source may (a connector's base included).
  if (settings.source !== "instance-role") {
    for (const file of credentialInputFiles(env)) parts.push(`file\0${file}\0${contentOf(file)}`);
  }
  const role = settings.roleArn === undefined ? {} : { roleArn: settings.roleArn };
  if (settings.source !== "connector" || settings.connector === undefined) {
    const source = settings.profile === undefined ? settings.source : `profile:${settings.profile}`;
    return { source, inputs: sha256Hex(parts.join("\n")), ...role };
  }
  const path = settings.connectorsPath === undefined ? "" : resolve(settings.connectorsPath);
  parts.push(`connectors\0${path}\0${path === "" ? "-" : contentOf(path)}`);
  return {
    source: `connector:${settings.connector}`,
    connectorsPath: path,
    inputs: sha256Hex(parts.join("\n")),
    ...role,
  };
}

/**
 * The digest of a token's dependencies as they are now: the contents of the files (as the run
 * reads them, relative paths from the working directory), the values of the variables, and the
 * access key id a host-bound endpoint hands out (`hostKeyId`, asked by the caller).
 */
export function dependencyDigest(
  dependencies: Dependencies,
  env: Env,
  hostKeyId: string | undefined,
): string {
  const parts = ["v1"];
  for (const file of dependencies.files) parts.push(`file\0${file}\0${contentOf(file)}`);
  for (const name of dependencies.variables)
    parts.push(`env\0${name}\0${env[name] === undefined ? "-" : `=${env[name]}`}`);
  if (dependencies.host !== undefined) parts.push(`host\0${dependencies.host}\0${hostKeyId ?? ""}`);
  return sha256Hex(parts.join("\n"));
}
