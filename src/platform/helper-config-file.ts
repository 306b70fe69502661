/**
 * The helper config file (docs/docker.md, "Configuration"): JSON at `$ECR_VARS_HELPER_CONFIG`, else
 * `$XDG_CONFIG_HOME/ecr-vars/helper.json`. Read synchronously and bounded (one small file) and
 * checked by hand: the cache-hit path loads no schema library. Its `registries` map is checked whole, so a config that names a
 * host twice or holds a pattern that can match a look-alike fails every reader alike.
 */

import { join } from "node:path";
import {
  EMPTY_MAP,
  parseRegistryMap,
  type RegistryMap,
  registryKeysInText,
} from "../core/registry-map.js";
import { describeSize, LIMITS, readBoundedSync } from "./bounded-read.js";
import { homeDir } from "./home.js";

type Env = Readonly<Record<string, string | undefined>>;

export type HelperConfigRead =
  /** No file at the default path (a path named by ECR_VARS_HELPER_CONFIG must exist). */
  | {
      readonly kind: "none";
      readonly path: string;
      readonly file: Record<string, unknown>;
      readonly map: RegistryMap;
    }
  | {
      readonly kind: "ok";
      readonly path: string;
      readonly file: Record<string, unknown>;
      readonly map: RegistryMap;
    }
  | { readonly kind: "invalid"; readonly path: string; readonly message: string };

export function helperConfigPath(env: Env): string {
  if (env.ECR_VARS_HELPER_CONFIG) return env.ECR_VARS_HELPER_CONFIG;
  const configHome = env.XDG_CONFIG_HOME || join(homeDir(env), ".config");
  return join(configHome, "ecr-vars", "helper.json");
}

export function readHelperConfig(env: Env): HelperConfigRead {
  const path = helperConfigPath(env);
  let text: string;
  try {
    text = readBoundedSync(path, LIMITS.configFile);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !env.ECR_VARS_HELPER_CONFIG)
      return { kind: "none", path, file: {}, map: EMPTY_MAP };
    return {
      kind: "invalid",
      path,
      message:
        code === "EFBIG"
          ? `the helper config ${path} is larger than ${describeSize(LIMITS.configFile)}`
          : `cannot read the helper config ${path}: ${code}`,
    };
  }
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    file = undefined;
  }
  if (typeof file !== "object" || file === null || Array.isArray(file))
    return { kind: "invalid", path, message: `the helper config ${path} is not a JSON object` };
  const record = file as Record<string, unknown>;
  const parsed = parseRegistryMap(record.registries, registryKeysInText(text), path);
  if (!parsed.ok) return { kind: "invalid", path, message: parsed.problems.join("\n  ") };
  return { kind: "ok", path, file: record, map: parsed.map };
}
