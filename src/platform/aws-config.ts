/**
 * The active profile's `region` in the shared AWS config file, as the AWS CLI and SDKs find it:
 * `$AWS_CONFIG_FILE`, else `~/.aws/config`; the profile `$AWS_PROFILE`, else `default`. Read
 * synchronously and bounded (it is one small file, read only when no region was given), parsed
 * only as far as section headers and `region` lines, so no INI library loads.
 */

import { join } from "node:path";
import type { Env } from "../core/expressions.js";
import { LIMITS, readBoundedSync } from "./bounded-read.js";
import { homeDir } from "./home.js";

export interface ProfileRegion {
  readonly region: string;
  readonly profile: string;
  readonly file: string;
}

export function sharedConfigPath(env: Env): string {
  return env.AWS_CONFIG_FILE || join(homeDir(env), ".aws", "config");
}

export function activeProfile(env: Env): string {
  return env.AWS_PROFILE || "default";
}

/** The region the active profile sets, or undefined (no file, no such profile, no region). */
export function profileRegion(env: Env): ProfileRegion | undefined {
  const file = sharedConfigPath(env);
  let text: string;
  try {
    text = readBoundedSync(file, LIMITS.configFile);
  } catch {
    // A missing or unreadable file sets no region; the caller says what it looked at.
    return undefined;
  }
  const profile = activeProfile(env);
  const region = regionOf(text, profile);
  return region === undefined ? undefined : { region, profile, file };
}

/** The `region` of `profile` in config-file text: `[default]` or `[profile NAME]`. */
export function regionOf(text: string, profile: string): string | undefined {
  return profileSettings(text, profile, "config")?.get("region") || undefined;
}

/**
 * The settings of `profile` in the text of a shared file, or undefined when it has no such
 * section. The config file names profiles `[profile NAME]` (and `[default]` either way); the
 * credentials file names them `[NAME]`. Later lines win, as in the AWS CLI.
 */
export function profileSettings(
  text: string,
  profile: string,
  kind: "config" | "credentials",
): Map<string, string> | undefined {
  let inProfile = false;
  let settings: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[\s*([^\]]*?)\s*\]$/.exec(line);
    if (header !== null) {
      const title = header[1] ?? "";
      const name = kind === "config" ? title.replace(/^profile\s+/, "") : title;
      const prefixed = title !== name;
      inProfile = name === profile && (kind === "credentials" || profile === "default" || prefixed);
      if (inProfile) settings ??= new Map();
      continue;
    }
    if (!inProfile || settings === undefined) continue;
    const setting = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (setting === null) continue;
    const value = (setting[2] ?? "").replace(/\s+[#;].*$/, "").trim();
    settings.set((setting[1] ?? "").toLowerCase(), value);
  }
  return settings;
}

/**
 * The instance metadata service the SDK asks: `$AWS_EC2_METADATA_SERVICE_ENDPOINT`, else the
 * IPv6 address under `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`, else the IPv4 one.
 */
export function imdsEndpoint(env: Env): string {
  const ipv6 = env.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE?.toLowerCase() === "ipv6";
  return (
    env.AWS_EC2_METADATA_SERVICE_ENDPOINT ||
    (ipv6 ? "http://[fd00:ec2::254]" : "http://169.254.169.254")
  ).replace(/\/+$/, "");
}

/** `$AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`. */
export function sharedCredentialsPath(env: Env): string {
  return env.AWS_SHARED_CREDENTIALS_FILE || join(homeDir(env), ".aws", "credentials");
}

/** A shared file's text, or why there is none (`ENOENT`, `EFBIG`, ...). */
export function readSharedFile(path: string): { text: string } | { error: string } {
  try {
    return { text: readBoundedSync(path, LIMITS.configFile) };
  } catch (error) {
    return { error: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
  }
}

/** A region and where it came from, for the summary (`AWS_REGION`, `profile ci in ~/.aws/config`). */
export interface RegionFrom {
  readonly region: string;
  readonly origin: string;
}

export type EnvironmentRegion =
  | RegionFrom
  /** A variable or profile sets something that is not a region code. */
  | { readonly region?: undefined; readonly origin: string; readonly invalid: string }
  | undefined;

/**
 * The region the environment sets when the task names none, in the AWS CLI's and SDKs' order:
 * `AWS_REGION`, `AWS_DEFAULT_REGION`, then the active profile's `region`.
 */
export function environmentRegion(
  env: Env,
  isRegion: (code: string) => boolean,
): EnvironmentRegion {
  for (const name of ["AWS_REGION", "AWS_DEFAULT_REGION"] as const) {
    const value = env[name];
    if (!value) continue;
    return isRegion(value) ? { region: value, origin: name } : { origin: name, invalid: value };
  }
  const fromProfile = profileRegion(env);
  if (fromProfile === undefined) return undefined;
  const origin = `profile ${fromProfile.profile} in ${fromProfile.file}`;
  return isRegion(fromProfile.region)
    ? { region: fromProfile.region, origin }
    : { origin, invalid: fromProfile.region };
}
