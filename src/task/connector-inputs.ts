/**
 * What a connector in use reads besides the connectors file, for the token cache's key
 * (cache/config.ts): the files behind its `${file:}` references, `tokenFile`, `configFile` and
 * `credentialsFile`, and the variables its `${env.X}` / `${bamboo.X}` references and `tokenEnv`
 * name, whatever their names; with those of its bases. Only on a cache miss: it parses the file.
 */

import { type Env, lookupName, resolveExpression } from "../core/expressions.js";
import type { Connector } from "../credentials/connectors-file.js";

export interface ConnectorInputs {
  readonly files: string[];
  readonly variables: string[];
}

const REFERENCE = /\$\{([^}]*)\}/g;
const FILE_REFERENCE = /^\$\{file:([^}]+)\}$/;

/** The inputs of connector `ref` and its bases; undefined when the file or connector is unusable. */
export async function connectorInputs(
  connectorsPath: string,
  ref: string,
  env: Env,
): Promise<ConnectorInputs | undefined> {
  const { BUILT_IN_BASES, findConnector, loadConnectorsFile } = await import(
    "../credentials/connectors-file.js"
  );
  let connectors: readonly Connector[];
  try {
    connectors = (await loadConnectorsFile(connectorsPath)).connectors;
  } catch {
    return undefined;
  }
  const files = new Set<string>();
  const variables = new Set<string>();
  const seen = new Set<Connector>();
  let connector = findConnector(connectors, ref);
  while (connector !== undefined && !seen.has(connector)) {
    seen.add(connector);
    for (const text of strings(connector)) {
      for (const match of text.matchAll(REFERENCE)) {
        const inner = (match[1] ?? "").trim();
        if (inner.startsWith("file:")) files.add(inner.slice("file:".length));
        else {
          const name = lookupName(inner);
          if (name.ok) variables.add(name.envName);
        }
      }
    }
    // Paths given as text (or as a variable reference, resolved as the run resolves them).
    for (const key of ["tokenFile", "configFile", "credentialsFile"] as const) {
      const value = (connector as Partial<Record<typeof key, string>>)[key];
      if (value === undefined || FILE_REFERENCE.test(value)) continue;
      const path = resolveExpression(value, env);
      if (path.ok) files.add(path.value);
    }
    const tokenEnv = (connector as { tokenEnv?: string }).tokenEnv;
    if (tokenEnv !== undefined) variables.add(tokenEnv);
    // A built-in base (the environment's chain, the instance role) is keyed by cache/config.ts.
    const base = (connector as { base?: string }).base;
    connector =
      base === undefined || (BUILT_IN_BASES as readonly string[]).includes(base)
        ? undefined
        : findConnector(connectors, base);
  }
  return { files: [...files].sort(), variables: [...variables].sort() };
}

/** Every string in a parsed connector, nested ones (tags, policies) included. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(strings);
  return [];
}
