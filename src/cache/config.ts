/** The cache configuration of a run, from its resolved settings (cheap: one stat at most). */

import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { CacheConfig } from "./key.js";

export interface SourceSettings {
  /** `default-chain`, `instance-role`, or `connector` with `connector` set. */
  readonly source: "default-chain" | "instance-role" | "connector";
  /** The connector's id or name, variables already resolved. */
  readonly connector?: string;
  readonly connectorsPath?: string;
  readonly roleArn?: string;
}

export async function cacheConfigFor(
  settings: SourceSettings,
): Promise<Omit<CacheConfig, "region" | "registryId">> {
  if (settings.source !== "connector" || settings.connector === undefined) {
    return {
      source: settings.source,
      ...(settings.roleArn === undefined ? {} : { roleArn: settings.roleArn }),
    };
  }
  const path = settings.connectorsPath === undefined ? "" : resolve(settings.connectorsPath);
  let info: { size: number; mtimeMs: number } | undefined;
  try {
    info = path === "" ? undefined : statSync(path);
  } catch {
    info = undefined;
  }
  return {
    source: `connector:${settings.connector}`,
    connectorsPath: path,
    connectorsStamp: info === undefined ? "missing" : `${info.size}:${info.mtimeMs}`,
    ...(settings.roleArn === undefined ? {} : { roleArn: settings.roleArn }),
  };
}
