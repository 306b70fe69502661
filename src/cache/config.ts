/**
 * The cache configuration of a run, from its resolved settings. Cheap: a handful of `stat` calls
 * and no file read, because it runs on the cache-hit path.
 */

import { type Stats, statSync } from "node:fs";
import { join, resolve } from "node:path";
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

/**
 * The files the AWS SDK's credential providers read for a source other than the instance role:
 * the shared credentials and config files, the web identity token file, the container
 * authorization token file, and the SSO and console-login token caches (directories: adding or
 * replacing a token file changes their modification time). Connectors of type `profile` read the
 * same files, so connector sources are stamped with them too.
 */
export function credentialInputFiles(env: Env): string[] {
  const home = homeDir(env);
  const files = [
    env.AWS_SHARED_CREDENTIALS_FILE || join(home, ".aws", "credentials"),
    env.AWS_CONFIG_FILE || join(home, ".aws", "config"),
    join(home, ".aws", "sso", "cache"),
    join(home, ".aws", "login", "cache"),
  ];
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) files.push(env.AWS_WEB_IDENTITY_TOKEN_FILE);
  if (env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)
    files.push(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE);
  return files;
}

/** `ino:size:mtime:ctime` of each file (or `-` when it does not exist), one per line. */
export function filesStamp(paths: readonly string[]): string {
  return paths
    .map((path) => {
      const absolute = resolve(path);
      let info: Stats | undefined;
      try {
        // A missing file is the common case: no exception for it (they cost a cache hit).
        info = statSync(absolute, { throwIfNoEntry: false });
      } catch {
        // Unreadable: as missing.
      }
      return `${path}\0${info === undefined ? "-" : `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`}`;
    })
    .join("\n");
}

export async function cacheConfigFor(
  settings: SourceSettings,
  env: Env,
): Promise<Omit<CacheConfig, "region" | "registryId">> {
  // The instance role reads no local file; every other source may.
  const inputs =
    settings.source === "instance-role"
      ? {}
      : { inputsStamp: filesStamp(credentialInputFiles(env)) };
  if (settings.source !== "connector" || settings.connector === undefined) {
    return {
      source: settings.profile === undefined ? settings.source : `profile:${settings.profile}`,
      ...inputs,
      ...(settings.roleArn === undefined ? {} : { roleArn: settings.roleArn }),
    };
  }
  const path = settings.connectorsPath === undefined ? "" : resolve(settings.connectorsPath);
  let info: Stats | undefined;
  try {
    info = path === "" ? undefined : statSync(path);
  } catch {
    info = undefined;
  }
  return {
    source: `connector:${settings.connector}`,
    connectorsPath: path,
    connectorsStamp: info === undefined ? "missing" : `${info.size}:${info.mtimeMs}`,
    ...inputs,
    ...(settings.roleArn === undefined ? {} : { roleArn: settings.roleArn }),
  };
}
