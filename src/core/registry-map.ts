/**
 * The registry map of the helper config (docs/docker.md, "Registry maps"): exact hosts and host
 * patterns → per-registry settings (credential source, connector, profile, role, and for an alias
 * the account and region). Read by the credential helper, the kubelet plugin and the CLI's
 * `--registry`, so a host resolves the same way in all three. Pure: the caller reads the file.
 *
 * A pattern matches label by label (`*` within one label, never across a dot; the label count
 * must match; a port must match exactly). The most specific key wins: an exact host, then the
 * pattern with the fewest `*`, then the one with the most literal characters; two patterns equal
 * on both that match one host are an error naming both.
 */

import { objectSpan, skipWhitespace } from "./json-scan.js";
import { PUBLIC_DUALSTACK_HOST, PUBLIC_HOST, REGISTRY_SUFFIXES } from "./registry-host.js";
import { closest } from "./suggest.js";

/** The settings one key of `registries` gives. Every value is a non-empty string. */
export interface RegistryEntry {
  readonly source?: string;
  readonly connector?: string;
  readonly profile?: string;
  readonly roleArn?: string;
  readonly region?: string;
  readonly registryId?: string;
}

export const ENTRY_KEYS = [
  "source",
  "connector",
  "profile",
  "roleArn",
  "region",
  "registryId",
] as const;

/** The credential sources an entry (or ECR_VARS_SOURCE) may name. */
export const ENTRY_SOURCES = ["default-chain", "instance-role", "connector", "profile"] as const;

export interface MapRule {
  /** The key as the file writes it, for messages. */
  readonly key: string;
  /** Lower case, no scheme, path or root dot. */
  readonly host: string;
  readonly exact: boolean;
  readonly entry: RegistryEntry;
  /** Number of `*`, and of other characters: the specificity order. */
  readonly wildcards: number;
  readonly literals: number;
  readonly labels: readonly RegExp[];
  readonly port: string | undefined;
}

export interface RegistryMap {
  readonly rules: readonly MapRule[];
}

export type MapParse =
  | { readonly ok: true; readonly map: RegistryMap }
  | { readonly ok: false; readonly problems: readonly string[] };

export type MapMatch =
  | { readonly kind: "none" }
  | { readonly kind: "entry"; readonly rule: MapRule }
  | { readonly kind: "ambiguous"; readonly rules: readonly [MapRule, MapRule] };

export const EMPTY_MAP: RegistryMap = { rules: [] };

/** `host[:port]` in lower case, from `host`, `https://host` or `https://host/v2/`. */
export function normalizeHost(serverUrl: string): string {
  let host = serverUrl
    .trim()
    .replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, "")
    .replace(/\/.*$/, "")
    .toLowerCase();
  const port = /:\d+$/.exec(host)?.[0] ?? "";
  let name = host.slice(0, host.length - port.length);
  if (name.endsWith(".") && !name.endsWith("..")) name = name.slice(0, -1);
  host = `${name}${port}`;
  return host;
}

const KEY = /^[a-z0-9*]([a-z0-9*-]*[a-z0-9*])?(\.[a-z0-9*]([a-z0-9*-]*[a-z0-9*])?)*(:\d{1,5})?$/;

/**
 * Checks the `registries` object of the helper config. `keysInText` are its keys as the text
 * holds them, duplicates included (JSON.parse keeps only the last of equal keys). `where` names
 * the file in messages.
 */
export function parseRegistryMap(
  registries: unknown,
  keysInText: readonly string[],
  where: string,
): MapParse {
  if (registries === undefined) return { ok: true, map: EMPTY_MAP };
  if (!isObject(registries))
    return { ok: false, problems: [`${where}: registries is not an object`] };
  const problems: string[] = [];
  const byHost = new Map<string, string>();
  for (const key of keysInText) {
    const host = normalizeHost(key);
    const first = byHost.get(host);
    if (first !== undefined) {
      problems.push(
        first === key
          ? `${where}: registries names "${key}" twice (fix: keep one entry per host)`
          : `${where}: registries["${first}"] and registries["${key}"] name the same host ${host} (fix: keep one entry per host)`,
      );
    } else byHost.set(host, key);
  }
  const rules: MapRule[] = [];
  for (const [key, value] of Object.entries(registries)) {
    const at = `${where}: registries["${key}"]`;
    const host = normalizeHost(key);
    const path = /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^/]*\/./.test(key.trim());
    if (path || !KEY.test(host)) {
      problems.push(
        `${at}: "${key}" is not a host, host:port or host pattern (fix: write e.g. mirror.example.com, *.example.com or *.dkr.ecr.*.amazonaws.com)`,
      );
      continue;
    }
    const entry = parseEntry(value, at, problems);
    if (entry === undefined) continue;
    const port = /:\d+$/.exec(host)?.[0];
    const name = port === undefined ? host : host.slice(0, -port.length);
    const exact = !name.includes("*");
    const rule: MapRule = {
      key,
      host,
      exact,
      entry,
      wildcards: [...name].filter((c) => c === "*").length,
      literals: [...name].filter((c) => c !== "*").length,
      labels: name.split(".").map(globOf),
      port: port?.slice(1),
    };
    if (!exact) {
      const lookAlike = lookAlikeOf(name);
      if (lookAlike !== undefined) {
        problems.push(
          `${at}: the pattern can match ${lookAlike}, which only looks like an AWS registry host (fix: narrow the pattern so its domain is written out, or list the host exactly)`,
        );
        continue;
      }
    }
    rules.push(rule);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, map: { rules } };
}

/** The most specific rule for `host` (`host[:port]`, normalized). */
export function matchRegistry(map: RegistryMap, serverUrl: string): MapMatch {
  const host = normalizeHost(serverUrl);
  const port = /:\d+$/.exec(host)?.[0];
  const name = port === undefined ? host : host.slice(0, -port.length);
  const labels = name.split(".");
  const matches = map.rules.filter(
    (rule) =>
      rule.port === port?.slice(1) &&
      rule.labels.length === labels.length &&
      rule.labels.every((glob, index) => glob.test(labels[index] ?? "")),
  );
  if (matches.length === 0) return { kind: "none" };
  const exact = matches.find((rule) => rule.exact);
  if (exact !== undefined) return { kind: "entry", rule: exact };
  matches.sort((a, b) => a.wildcards - b.wildcards || b.literals - a.literals);
  const [best, next] = matches as [MapRule, MapRule | undefined];
  if (next !== undefined && next.wildcards === best.wildcards && next.literals === best.literals)
    return { kind: "ambiguous", rules: [best, next] };
  return { kind: "entry", rule: best };
}

/**
 * The keys of the top-level `registries` object as the text writes them, duplicates included;
 * empty when the text has none. `text` must be JSON that JSON.parse accepted.
 */
export function registryKeysInText(text: string): string[] {
  const start = skipWhitespace(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (text[start] !== "{") return [];
  const members = objectSpan(text, start).members.filter((m) => m.key === "registries");
  const last = members[members.length - 1];
  if (last === undefined || text[last.valueStart] !== "{") return [];
  return objectSpan(text, last.valueStart).members.map((m) => m.key);
}

function parseEntry(value: unknown, at: string, problems: string[]): RegistryEntry | undefined {
  if (!isObject(value)) {
    problems.push(`${at} is not an object`);
    return undefined;
  }
  const entry: Record<string, string> = {};
  let ok = true;
  for (const [name, field] of Object.entries(value)) {
    if (!(ENTRY_KEYS as readonly string[]).includes(name)) {
      const near = closest(name, ENTRY_KEYS);
      problems.push(
        `${at}.${name} is not a setting (fix: ${near === undefined ? `use ${ENTRY_KEYS.join(", ")}` : `did you mean ${near}?`})`,
      );
      ok = false;
      continue;
    }
    if (typeof field !== "string" || field === "") {
      problems.push(`${at}.${name} must be a non-empty string`);
      ok = false;
      continue;
    }
    entry[name] = field;
  }
  if (entry.connector !== undefined && entry.profile !== undefined) {
    problems.push(`${at} names both a connector and a profile (fix: keep one of them)`);
    ok = false;
  }
  return ok ? (entry as RegistryEntry) : undefined;
}

function globOf(label: string): RegExp {
  return new RegExp(`^${label.replaceAll("*", "[a-z0-9-]*")}$`);
}

/**
 * A host the pattern (labels without port) can match that only looks like an AWS registry, or
 * undefined. Three shapes: a wildcard in the domain (the last two labels, or an AWS registry
 * domain's own labels), which can match any domain, a look-alike's included; an AWS registry
 * domain followed by more labels (`….amazonaws.com.example.com`); and an ECR-shaped host
 * (`<account>.dkr.ecr.…`) whose domain is not an AWS registry domain.
 */
function lookAlikeOf(pattern: string): string | undefined {
  const labels = pattern.split(".");
  const shown = (replace: (label: string, index: number) => string) =>
    labels.map(replace).join(".");
  const awsDomain = [...REGISTRY_SUFFIXES, PUBLIC_HOST, PUBLIC_DUALSTACK_HOST]
    .map((suffix) => suffix.split("."))
    .find((words) => {
      const tail = labels.slice(-words.length);
      return (
        tail.length === words.length && tail.every((label, i) => globOf(label).test(words[i] ?? ""))
      );
    });
  const domainLength = Math.max(2, awsDomain?.length ?? 0);
  const wildDomain = labels.slice(-domainLength).some((label) => label.includes("*"));
  if (wildDomain) {
    return shown((label, index) =>
      index >= labels.length - domainLength
        ? label.replaceAll("*", "evil")
        : label.replaceAll("*", "x"),
    );
  }
  for (const suffix of [...REGISTRY_SUFFIXES, PUBLIC_HOST, PUBLIC_DUALSTACK_HOST]) {
    const words = suffix.split(".");
    for (let at = 0; at + words.length < labels.length; at++) {
      const rest = labels.slice(at).join(".");
      const isDomain = REGISTRY_SUFFIXES.includes(rest) || rest === PUBLIC_DUALSTACK_HOST;
      if (!isDomain && words.every((word, index) => labels[at + index] === word))
        return shown((label) => label.replaceAll("*", "x"));
    }
  }
  const ecrShaped =
    (labels[1] === "dkr" && /^ecr(-fips)?$/.test(labels[2] ?? "")) ||
    /^dkr-ecr(-fips)?$/.test(labels[1] ?? "");
  const tail = labels.slice(labels[1] === "dkr" ? 4 : 3).join(".");
  if (ecrShaped && !REGISTRY_SUFFIXES.includes(tail))
    return shown((label) => label.replaceAll("*", "x"));
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
