/**
 * `docker-config`: `auths` (or `credHelpers`) entries in a Docker `config.json` or a
 * podman/buildah/skopeo `auth.json`. The file usually holds other registries' logins, so this
 * format merges into the existing text instead of replacing it; the file I/O (lock, read, atomic
 * write) lives in `platform/docker-config-file.ts`, this module stays pure.
 *
 * Which entries are ours is recorded under `x-ecr-vars` in the same file (Docker and
 * containers/image ignore unknown keys), so `ecr-vars logout` removes exactly those and nothing a
 * user or another tool wrote, even for the same host. An `auths` entry is recorded by a short
 * hash of its value: when someone else later overwrote it, it is no longer ours.
 */

import { EcrVarsError } from "../core/errors.js";
import { MAX_NESTING, nestingDepth } from "../core/nesting.js";
import { sha256Hex } from "../core/sha256.js";
import type { Variable } from "../core/variables.js";
import {
  editObject,
  type JsonObjectSpan,
  type Layout,
  layoutOf,
  type ObjectEdit,
  objectSpan,
  RawJson,
  skipWhitespace,
} from "./json-text.js";
import type { AuthFileClient, Renderer, RenderOptions, RenderPlan } from "./types.js";

/** Docker runs `docker-credential-<name>` for a `credHelpers` entry. */
export const HELPER_NAME = "ecr-vars";
export const MARKER_KEY = "x-ecr-vars";

export interface RegistryLogin {
  /** `host[:port]`, the key Docker and containers/image look up. */
  readonly host: string;
  readonly username: string;
  readonly password: string;
}

type Json = Record<string, unknown>;

interface Marker {
  auths: Record<string, string>;
  credHelpers: string[];
}

/** One login per registry host among the variables (the un-suffixed set and per-registry sets). */
export function registryLogins(variables: readonly Variable[]): RegistryLogin[] {
  const byName = new Map(variables.map((v) => [v.relativeName, v.value]));
  const logins = new Map<string, RegistryLogin>();
  for (const variable of variables) {
    if (!variable.relativeName.endsWith(".proxyEndpointDomain")) continue;
    const prefix = variable.relativeName.slice(0, -".proxyEndpointDomain".length);
    const username = byName.get(`${prefix}.username`);
    const password = byName.get(`${prefix}.password`);
    if (username === undefined || password === undefined) continue;
    logins.set(variable.value, { host: variable.value, username, password });
  }
  return [...logins.values()];
}

export function authValue(login: RegistryLogin): string {
  return Buffer.from(`${login.username}:${login.password}`, "utf8").toString("base64");
}

// A hash, not the value: the marker only has to recognise the entry, never to reproduce it.
function fingerprint(auth: string): string {
  return `sha256:${sha256Hex(auth).slice(0, 32)}`;
}

/** A config file's text with its parsed value and the spans needed to edit it in place. */
interface ConfigDocument {
  readonly text: string;
  readonly config: Json;
  readonly top: JsonObjectSpan;
  readonly layout: Layout;
}

/** Parses an existing config file; empty text is an empty config. Anything else is refused. */
export function parseDockerConfig(existing: string | undefined, path = "the config file"): Json {
  return readDocument(existing, path).config;
}

function readDocument(existing: string | undefined, path: string): ConfigDocument {
  const text = existing === undefined || existing.trim() === "" ? "{}\n" : existing;
  let value: unknown;
  let problem = "is not a JSON object";
  try {
    value = JSON.parse(text);
  } catch (error) {
    value = undefined;
    if (error instanceof RangeError) problem = `nests deeper than ${MAX_NESTING} levels`;
  }
  if (isObject(value) && nestingDepth(value) > MAX_NESTING) {
    value = undefined;
    problem = `nests deeper than ${MAX_NESTING} levels`;
  }
  if (!isObject(value)) {
    throw new EcrVarsError({
      kind: "output",
      code: "DOCKER_CONFIG_UNREADABLE",
      message: `${path} ${problem}; refusing to overwrite it`,
      hint: "fix or move the file, or write to another one with --output",
    });
  }
  // Docker and containers/image fail on these too; replacing them would lose what they hold.
  for (const key of ["auths", "credHelpers"]) {
    if (Object.hasOwn(value, key) && !isObject(value[key])) {
      throw new EcrVarsError({
        kind: "output",
        code: "DOCKER_CONFIG_SHAPE",
        message: `${path}: "${key}" is ${describeJson(value[key])}, not an object of registry entries; refusing to change the file`,
        hint: `make "${key}" an object such as {} (or remove it), or write to another file with --output`,
      });
    }
  }
  const top = objectSpan(text, skipWhitespace(text, 0));
  return { text, config: value, top, layout: layoutOf(text, top) };
}

function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/** The document with `edit` applied to its top-level object; text around it is kept. */
function editDocument(doc: ConfigDocument, edit: ObjectEdit): string {
  const edited = editObject(doc.text, doc.top, edit, doc.layout, 0);
  const after = doc.text.slice(doc.top.end);
  return `${doc.text.slice(0, doc.top.start)}${edited}${after.includes("\n") ? after : doc.layout.newline}`;
}

/** A top-level object member (`auths`, `credHelpers`) with `edit` applied, laid out in place. */
function editMember(doc: ConfigDocument, key: string, edit: ObjectEdit): RawJson {
  const member = [...doc.top.members].reverse().find((m) => m.key === key);
  const text = member === undefined ? "{}" : doc.text;
  const span = objectSpan(text, member === undefined ? 0 : member.valueStart);
  return new RawJson(editObject(text, span, edit, doc.layout, 1));
}

export type DockerConfigMode = "auths" | "credential-helper";

/**
 * The config with our entries for `logins` merged in. Only the members that change are rewritten;
 * every other key and entry keeps its exact text (numbers, escapes, order, layout).
 * `auths` mode writes the secret; `credential-helper` mode writes a `credHelpers` pointer instead.
 */
export function mergeDockerConfig(
  existing: string | undefined,
  logins: readonly RegistryLogin[],
  mode: DockerConfigMode,
  path?: string,
): RenderPlan {
  const doc = readDocument(existing, path ?? "the config file");
  const { config } = doc;
  const marker = readMarker(config);
  const auths = objectAt(config, "auths");
  const helpers = objectAt(config, "credHelpers");
  const authSet = new Map<string, unknown>();
  const authRemove = new Set<string>();
  const helperSet = new Map<string, unknown>();
  const helperRemove = new Set<string>();
  const notes: string[] = [];
  for (const login of logins) {
    const { host } = login;
    if (mode === "auths") {
      const auth = authValue(login);
      authSet.set(host, { auth });
      marker.auths[host] = fingerprint(auth);
      // Docker and containers/image ask a credHelpers entry first: ours would hide the new login.
      if (marker.credHelpers.includes(host) && helpers[host] === HELPER_NAME) {
        helperRemove.add(host);
        marker.credHelpers = marker.credHelpers.filter((h) => h !== host);
      } else if (Object.hasOwn(helpers, host)) {
        notes.push(
          `credHelpers has an entry for ${host} (${String(helpers[host])}); clients ask it before the auths entry written here`,
        );
      }
    } else {
      helperSet.set(host, HELPER_NAME);
      if (!marker.credHelpers.includes(host)) marker.credHelpers.push(host);
      // A stale secret of ours for the same host is dropped: the helper answers from now on.
      if (isOurAuth(auths, marker, host)) {
        authRemove.add(host);
        delete marker.auths[host];
      }
    }
  }
  if (mode === "auths" && typeof config.credsStore === "string") {
    notes.push(
      `the file sets credsStore "${config.credsStore}": docker reads logins from that store, not from auths; use --credential-helper or a separate DOCKER_CONFIG`,
    );
  }
  const set = new Map<string, unknown>();
  set.set("auths", editMember(doc, "auths", { set: authSet, remove: authRemove }));
  if (helperSet.size > 0 || helperRemove.size > 0 || Object.hasOwn(config, "credHelpers")) {
    set.set(
      "credHelpers",
      editMember(doc, "credHelpers", { set: helperSet, remove: helperRemove }),
    );
  }
  const remove = new Set<string>();
  if (Object.keys(marker.auths).length === 0 && marker.credHelpers.length === 0) {
    remove.add(MARKER_KEY);
  } else {
    set.set(MARKER_KEY, { auths: marker.auths, credHelpers: marker.credHelpers });
  }
  const count = `${logins.length} ${logins.length === 1 ? "registry" : "registries"}`;
  return {
    text: editDocument(doc, { set, remove }),
    notes,
    wrote:
      mode === "auths"
        ? `the auths entries of ${count}`
        : `credHelpers entries pointing ${count} at docker-credential-${HELPER_NAME} (no secret)`,
  };
}

/** The config without the entries `ecr-vars` wrote (and still match what it wrote). */
export function removeOurEntries(
  existing: string | undefined,
  path?: string,
): { text: string; removed: string[] } {
  const doc = readDocument(existing, path ?? "the config file");
  const { config } = doc;
  const marker = readMarker(config);
  const removed: string[] = [];
  const auths = objectAt(config, "auths");
  const authRemove = new Set<string>();
  for (const host of Object.keys(marker.auths)) {
    if (isOurAuth(auths, marker, host)) {
      authRemove.add(host);
      removed.push(`auths ${host}`);
    }
  }
  const helpers = objectAt(config, "credHelpers");
  const helperRemove = new Set<string>();
  for (const host of marker.credHelpers) {
    if (helpers[host] === HELPER_NAME) {
      helperRemove.add(host);
      removed.push(`credHelpers ${host}`);
    }
  }
  const set = new Map<string, unknown>();
  if (authRemove.size > 0) set.set("auths", editMember(doc, "auths", { remove: authRemove }));
  if (helperRemove.size > 0) {
    set.set("credHelpers", editMember(doc, "credHelpers", { remove: helperRemove }));
  }
  return { text: editDocument(doc, { set, remove: new Set([MARKER_KEY]) }), removed };
}

function isOurAuth(auths: Json, marker: Marker, host: string): boolean {
  const entry = auths[host];
  const recorded = marker.auths[host];
  return (
    recorded !== undefined &&
    isObject(entry) &&
    typeof entry.auth === "string" &&
    fingerprint(entry.auth) === recorded
  );
}

function readMarker(config: Json): Marker {
  const raw = config[MARKER_KEY];
  const marker: Marker = { auths: {}, credHelpers: [] };
  if (!isObject(raw)) return marker;
  if (isObject(raw.auths)) {
    for (const [host, value] of Object.entries(raw.auths)) {
      if (typeof value === "string") setKey(marker.auths, host, value);
    }
  }
  if (Array.isArray(raw.credHelpers)) {
    marker.credHelpers = raw.credHelpers.filter((h): h is string => typeof h === "string");
  }
  return marker;
}

function objectAt(config: Json, key: string): Json {
  const value = Object.hasOwn(config, key) ? config[key] : undefined;
  return isObject(value) ? value : {};
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Defined, not assigned: a key such as `__proto__` in a user's file stays plain data.
function setKey(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * A format that merges logins into a client's auth file of the Docker `config.json` shape
 * (docs/clients.md): only where the file is by default, and whether `--credential-helper` means
 * something there, differ between clients.
 */
export function authFileFormat(spec: {
  readonly name: string;
  readonly description: string;
  readonly client: AuthFileClient;
  readonly credentialHelper: boolean;
}): Renderer {
  const renderer: Renderer = {
    name: spec.name,
    description: spec.description,
    masking: spec.credentialHelper
      ? "the secret goes only into the 0600 file; --credential-helper writes no secret at all"
      : "the secret goes only into the 0600 file",
    maskingKind: "clear",
    defaultOutput: { kind: "auth-file", client: spec.client },
    ...(spec.credentialHelper ? { credentialHelper: true } : {}),
    render(variables, options) {
      return renderer.merge?.(undefined, variables, options) ?? { text: "", notes: [] };
    },
    merge(existing: string | undefined, variables: readonly Variable[], options: RenderOptions) {
      const mode: DockerConfigMode = options.credentialHelper ? "credential-helper" : "auths";
      return mergeDockerConfig(existing, registryLogins(variables), mode, options.outputPath);
    },
  };
  return renderer;
}

export const dockerConfig: Renderer = authFileFormat({
  name: "docker-config",
  description:
    "merges auths entries (or, with --credential-helper, credHelpers entries) into a Docker config.json or a podman/buildah/skopeo auth.json; default file: $REGISTRY_AUTH_FILE, else $DOCKER_CONFIG/config.json, else ~/.docker/config.json",
  client: "docker",
  credentialHelper: true,
});
