/**
 * What the credential helper (and the kubelet plugin) does for a registry host: which credentials,
 * which role, which account and region. From, in order: the host's entry in the helper config
 * file (an exact host, else the most specific pattern: core/registry-map.ts), the environment
 * (`ECR_VARS_*`), the file's `defaults`, and the host name itself (account and region of an ECR
 * host). With nothing configured this is the standard AWS credential chain.
 *
 * The config file is JSON (`$ECR_VARS_HELPER_CONFIG`, else `$XDG_CONFIG_HOME/ecr-vars/helper.json`,
 * read by platform/helper-config-file.ts) and is checked by hand: this module is on the cache-hit
 * path, which loads no schema library.
 *
 *   { "defaults": { "connector": "ci-user" },
 *     "connectors": "/etc/ecr-vars/connectors.yml",
 *     "cache": true,
 *     "registries": {
 *       "123456789012.dkr.ecr.eu-west-1.amazonaws.com": { "roleArn": "arn:aws:iam::123456789012:role/push" },
 *       "*.dkr.ecr.*.amazonaws.com": { "profile": "ci" },
 *       "registry.internal:5000": { "registryId": "123456789012", "region": "eu-west-1" } } }
 */

import { join } from "node:path";
import { URL_SCHEME } from "../core/names.js";
import { isRegion } from "../core/region.js";
import { PUBLIC_REGION } from "../core/registries.js";
import { type PublicHost, parseRegistryHost } from "../core/registry-host.js";
import {
  ENTRY_KEYS,
  ENTRY_SOURCES,
  matchRegistry,
  normalizeHost,
  type RegistryEntry,
} from "../core/registry-map.js";
import { ROLE_ARN, ROLE_ARN_HINT } from "../core/task.js";
import { activeProfile, environmentRegion } from "../platform/aws-config.js";
import { helperConfigPath, readHelperConfig } from "../platform/helper-config-file.js";
import { homeDir } from "../platform/home.js";

type Env = Readonly<Record<string, string | undefined>>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface HelperSettings {
  readonly source: "default-chain" | "instance-role" | "connector" | "profile";
  readonly connector?: string;
  /** A profile of the shared AWS config and credentials files (source `profile`). */
  readonly profile?: string;
  readonly connectorsPath?: string;
  readonly roleArn?: string;
  readonly region: string;
  /** The 12-digit account, or `public` for ECR Public. */
  readonly registryId: string;
  /** ECR Public: `public.ecr.aws` or `ecr-public.aws.com`. */
  readonly publicHost?: PublicHost;
  readonly cache: boolean;
}

export type HelperResolution =
  | { readonly kind: "settings"; readonly settings: HelperSettings }
  /** Not a registry this helper answers for: the protocol's "not found". */
  | { readonly kind: "not-ours"; readonly reason: string }
  | { readonly kind: "invalid"; readonly message: string };

/** The registry id ECR Public's token is cached under (as in cache/authorize.ts). */
const PUBLIC_REGISTRY_ID = "public";

export { helperConfigPath, normalizeHost };

/**
 * The connectors file when none is configured: the rule of `connectorsFilePath` in
 * task/resolve.ts, repeated here because that module loads the connectors schema (a unit test
 * keeps the two equal). The cache key includes this path.
 */
export function defaultConnectorsPath(env: Env): string {
  if (env.ECR_VARS_CONNECTORS) return env.ECR_VARS_CONNECTORS;
  const configHome = env.XDG_CONFIG_HOME || join(homeDir(env), ".config");
  return join(configHome, "ecr-vars", "connectors.yml");
}

export async function resolveHelperSettings(
  serverUrl: string,
  env: Env,
): Promise<HelperResolution> {
  // Docker and podman send `https://host` or a bare host; a token must never be handed out for
  // a plain-text (http://) or non-HTTP URL, whose client would send it over the wire unencrypted.
  const scheme = URL_SCHEME.exec(serverUrl.trim())?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== "https") {
    return {
      kind: "invalid",
      message: `the server URL uses ${scheme}://; the helper answers only for https:// URLs or a bare registry host`,
    };
  }
  const host = normalizeHost(serverUrl);
  const config = readHelperConfig(env);
  if (config.kind === "invalid") return { kind: "invalid", message: config.message };
  const { path, file } = config;
  const match = matchRegistry(config.map, host);
  if (match.kind === "ambiguous") {
    const [a, b] = match.rules;
    return {
      kind: "invalid",
      message: `${path}: registries["${a.key}"] and registries["${b.key}"] both match ${host} and are equally specific (fix: add an entry for ${host} itself, or narrow one pattern)`,
    };
  }
  const rule = match.kind === "entry" ? match.rule : undefined;
  const fromEnv: Mutable<RegistryEntry> = {};
  if (env.ECR_VARS_SOURCE) fromEnv.source = env.ECR_VARS_SOURCE;
  if (env.ECR_VARS_CONNECTOR) fromEnv.connector = env.ECR_VARS_CONNECTOR;
  if (env.ECR_VARS_PROFILE) fromEnv.profile = env.ECR_VARS_PROFILE;
  if (env.ECR_VARS_ROLE_ARN) fromEnv.roleArn = env.ECR_VARS_ROLE_ARN;
  const layers: Array<[string, unknown]> = [
    [`${path}: defaults`, file.defaults],
    ["the environment", fromEnv],
    [`${path}: registries["${rule?.key ?? host}"]`, rule?.entry],
  ];
  const merged: Mutable<RegistryEntry> = {};
  const origin: Partial<Record<keyof RegistryEntry, string>> = {};
  for (const [where, layer] of layers) {
    if (layer === undefined) continue;
    if (!isObject(layer)) return { kind: "invalid", message: `${where} is not an object` };
    // A layer naming its connector or profile replaces the source a lower layer chose.
    if (layer.connector !== undefined || layer.profile !== undefined) {
      delete merged.connector;
      delete merged.profile;
      delete merged.source;
    }
    for (const key of ENTRY_KEYS) {
      const value = layer[key];
      if (value === undefined) continue;
      if (typeof value !== "string" || value === "")
        return { kind: "invalid", message: `${where}.${key} must be a non-empty string` };
      merged[key] = value;
      origin[key] = where;
    }
  }
  // The same rule as the CLI's --role-arn: a malformed ARN is refused before any AWS call.
  if (merged.roleArn !== undefined && !ROLE_ARN.test(merged.roleArn)) {
    const where =
      origin.roleArn === "the environment" ? "ECR_VARS_ROLE_ARN" : `${origin.roleArn}.roleArn`;
    return {
      kind: "invalid",
      message: `${where}: "${merged.roleArn}" is not an IAM role ARN (fix: ${ROLE_ARN_HINT})`,
    };
  }

  let { registryId, region } = merged;
  let publicHost: PublicHost | undefined;
  if (registryId === undefined || region === undefined) {
    // Docker never sends a port for an ECR registry; a client that adds :443 means the same host.
    const parsed = parseRegistryHost(host.replace(/:\d+$/, ""));
    if (!parsed.ok) {
      if (registryId === undefined) return { kind: "not-ours", reason: parsed.reason };
      // A host of one's own (a mirror, a proxy) with a registryId: the region as the CLI finds it.
      const found = environmentRegion(env, isRegion);
      if (found?.region === undefined) {
        const where = `${path}: registries["${rule?.key ?? host}"]`;
        return {
          kind: "invalid",
          message:
            found === undefined
              ? `${where} names no region, and neither AWS_REGION, AWS_DEFAULT_REGION nor the region of profile ${activeProfile(env)} is set (fix: add "region" to the entry)`
              : `${found.origin}: "${found.invalid}" is not an AWS region code (fix: add "region" to ${where})`,
        };
      }
      region = found.region;
    } else if (parsed.address.kind === "public") {
      publicHost = parsed.address.host;
      registryId = PUBLIC_REGISTRY_ID;
      region = PUBLIC_REGION;
    } else {
      registryId ??= parsed.address.accountId;
      region ??= parsed.address.region;
    }
  }
  if (publicHost === undefined && !/^\d{12}$/.test(registryId))
    return { kind: "invalid", message: `registryId "${registryId}" for ${host} is not 12 digits` };
  const source =
    merged.source ??
    (merged.profile !== undefined
      ? "profile"
      : merged.connector === undefined
        ? "default-chain"
        : "connector");
  if (!(ENTRY_SOURCES as readonly string[]).includes(source)) {
    return {
      kind: "invalid",
      message: `source "${source}" for ${host} is not one of ${ENTRY_SOURCES.join(", ")}`,
    };
  }
  if (source === "connector" && merged.connector === undefined)
    return { kind: "invalid", message: `source connector for ${host} names no connector` };
  if (source === "profile" && merged.profile === undefined)
    return { kind: "invalid", message: `source profile for ${host} names no profile` };
  const connectorsPath =
    typeof file.connectors === "string" ? file.connectors : defaultConnectorsPath(env);
  const cacheOff = cacheOffIn(env) || file.cache === false;
  return {
    kind: "settings",
    settings: {
      source: source as HelperSettings["source"],
      ...(source === "connector" && merged.connector !== undefined
        ? { connector: merged.connector }
        : {}),
      ...(source === "profile" && merged.profile !== undefined ? { profile: merged.profile } : {}),
      ...(connectorsPath === undefined ? {} : { connectorsPath }),
      ...(merged.roleArn === undefined ? {} : { roleArn: merged.roleArn }),
      region,
      registryId,
      ...(publicHost === undefined ? {} : { publicHost }),
      cache: !cacheOff,
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** ECR_VARS_CACHE turns the token cache off (0, false, no, off). */
export function cacheOffIn(env: Readonly<Record<string, string | undefined>>): boolean {
  return ["0", "false", "no", "off"].includes((env.ECR_VARS_CACHE ?? "").toLowerCase());
}
