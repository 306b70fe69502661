/**
 * The connectors file (docs/connectors.md): shared, named credential configurations. Secrets are references
 * (`${env.NAME}`, `${bamboo.NAME}`, `${file:PATH}`) resolved only when a connector is used.
 */

import { configError, type FieldProblem } from "../core/errors.js";
import { formatPath, type IssuePath, issueToProblem } from "../core/schema-issues.js";
import {
  fileFieldLabel,
  readStructuredFile,
  type StructuredFile,
} from "../platform/structured-file.js";
import {
  BUILT_IN_BASES,
  type Connector,
  connectorKeys,
  connectorsFileSchema,
  hasBase,
  UUID,
} from "./connector-schema.js";
import { connectorType } from "./connector-types.js";

export type { Connector, ConnectorType } from "./connector-schema.js";
export { BUILT_IN_BASES } from "./connector-schema.js";

export interface ConnectorsFile {
  readonly path: string;
  readonly connectors: readonly Connector[];
}

/** Reads and validates a connectors file, reporting every problem with its line. */
export async function loadConnectorsFile(path: string): Promise<ConnectorsFile> {
  const file = await readStructuredFile(path, "connectors file");
  return parseConnectors(file);
}

/** The keys allowed at a path of a connectors file: a connector's, by its type. */
function knownKeysIn(value: unknown) {
  return (path: IssuePath): readonly string[] | undefined => {
    if (path.length === 0) return ["connectors"];
    if (path.length !== 2 || path[0] !== "connectors" || typeof path[1] !== "number") return;
    const list = (value as { connectors?: unknown } | null)?.connectors;
    const entry = Array.isArray(list)
      ? (list[path[1]] as { type?: unknown } | undefined)
      : undefined;
    return connectorKeys(entry?.type);
  };
}

export function parseConnectors(file: StructuredFile): ConnectorsFile {
  const label = (path: IssuePath) => fileFieldLabel(file, path, connectorField(file.value, path));
  const parsed = connectorsFileSchema.safeParse(file.value, { reportInput: true });
  if (!parsed.success)
    throw configError(
      parsed.error.issues.map((issue) => issueToProblem(issue, label, knownKeysIn(file.value))),
    );

  const connectors = parsed.data.connectors;
  const problems: FieldProblem[] = [];
  const seenIds = new Map<string, number>();
  const seenNames = new Map<string, number>();
  connectors.forEach((connector, index) => {
    const id = connector.id.toLowerCase();
    const firstId = seenIds.get(id);
    if (firstId !== undefined) {
      problems.push({
        field: label(["connectors", index, "id"]),
        message: `repeats the id of connectors[${firstId}]`,
        hint: "give every connector its own UUID",
      });
    } else seenIds.set(id, index);
    const firstName = seenNames.get(connector.name);
    if (firstName !== undefined) {
      problems.push({
        field: label(["connectors", index, "name"]),
        message: `repeats the name of connectors[${firstName}]`,
        hint: "give every connector its own name",
      });
    } else seenNames.set(connector.name, index);
  });

  // Every base is looked up once through maps, and cycles are found in one pass: a file of
  // thousands of linked connectors is checked in linear time.
  const find = connectorIndex(connectors);
  connectors.forEach((connector, index) => {
    problems.push(
      ...checkBase(connectors, find, connector, (key) => label(["connectors", index, key])),
    );
    for (const { key, message, hint } of connectorType(connector).check?.(connector) ?? [])
      problems.push({ field: label(["connectors", index, key]), message, hint });
  });
  for (const cycle of findCycles(connectors, find)) {
    problems.push({
      field: label(["connectors", cycle[0] ?? 0, "base"]),
      message: `forms a cycle: ${cycle.map((i) => connectors[i]?.name).join(" -> ")} -> ${connectors[cycle[0] ?? 0]?.name}`,
      hint: "end every chain of bases at a connector with its own credentials, environment or instance-role",
    });
  }
  if (problems.length > 0) throw configError(problems);
  return { path: file.path, connectors };
}

/** Finds a connector by id (case-insensitive) or name. */
export function findConnector(
  connectors: readonly Connector[],
  ref: string,
): Connector | undefined {
  const lower = ref.toLowerCase();
  return (
    connectors.find((c) => c.id.toLowerCase() === lower) ?? connectors.find((c) => c.name === ref)
  );
}

/** Index of the connector a reference names (id, case-insensitive, before name), by lookup. */
type ConnectorIndex = (ref: string) => number | undefined;

/** `findConnector` for many references: two maps, built once (the first of a repeated key wins). */
function connectorIndex(connectors: readonly Connector[]): ConnectorIndex {
  const byId = new Map<string, number>();
  const byName = new Map<string, number>();
  connectors.forEach((c, index) => {
    const id = c.id.toLowerCase();
    if (!byId.has(id)) byId.set(id, index);
    if (!byName.has(c.name)) byName.set(c.name, index);
  });
  return (ref) => byId.get(ref.toLowerCase()) ?? byName.get(ref);
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A base must exist; GetSessionToken and GetFederationToken also need long-term IAM user keys. */
function checkBase(
  connectors: readonly Connector[],
  find: ConnectorIndex,
  connector: Connector,
  label: (key: string) => string,
): FieldProblem[] {
  if (!hasBase(connector) || connector.base === undefined) return [];
  const builtIn = (BUILT_IN_BASES as readonly string[]).includes(connector.base);
  const found = builtIn ? undefined : find(connector.base);
  const base = found === undefined ? undefined : connectors[found];
  if (!builtIn && base === undefined) {
    return [
      {
        field: label("base"),
        message: `names "${connector.base}", which is no connector in this file`,
        hint: `use another connector's id or name, or one of: ${BUILT_IN_BASES.join(", ")}`,
      },
    ];
  }
  const call = connectorType(connector).longTermBaseFor;
  if (call === undefined) return [];
  const longTerm =
    base === undefined
      ? connector.base === "environment"
      : connectorType(base).longTermKeys?.(base) === true;
  if (longTerm) return [];
  return [
    {
      field: label("base"),
      message: `names "${connector.base}"${base === undefined ? "" : ` (${base.type})`}, which gives temporary credentials; STS ${call} needs an IAM user's long-term keys`,
      hint: "base it on an access-keys connector without sessionToken, a profile connector, or environment",
    },
  ];
}

/**
 * Each cycle of `base` links once, as the list of indexes along it, starting at its lowest; the
 * cycles in the order of their lowest index. One walk per connector that no earlier walk
 * reached, each connector visited once in all: every connector has at most one base, so a walk
 * that meets a connector of its own path has found a cycle, and one that meets an earlier walk's
 * connector has not.
 */
function findCycles(connectors: readonly Connector[], find: ConnectorIndex): number[][] {
  const baseOf = connectors.map((connector) =>
    hasBase(connector) && connector.base !== undefined ? find(connector.base) : undefined,
  );
  // 0: not visited yet; otherwise the number of the walk that visited it (from 1).
  const walkOf = new Array<number>(connectors.length).fill(0);
  const cycles: number[][] = [];
  for (let start = 0; start < connectors.length; start += 1) {
    if (walkOf[start] !== 0) continue;
    const walk = start + 1;
    const path: number[] = [];
    let current: number | undefined = start;
    while (current !== undefined && walkOf[current] === 0) {
      walkOf[current] = walk;
      path.push(current);
      current = baseOf[current];
    }
    if (current === undefined || walkOf[current] !== walk) continue;
    const cycle = path.slice(path.indexOf(current));
    const lowest = cycle.indexOf(cycle.reduce((a, b) => Math.min(a, b)));
    cycles.push([...cycle.slice(lowest), ...cycle.slice(0, lowest)]);
  }
  return cycles.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

/** `connectors[1] ("prod-push").roleArn`: the index and, when known, the connector's name. */
function connectorField(value: unknown, path: IssuePath): string {
  const index = path[1];
  if (path[0] !== "connectors" || typeof index !== "number")
    return formatPath(path) || "(top level)";
  const list = (value as { connectors?: unknown }).connectors;
  const entry = Array.isArray(list) ? (list[index] as { name?: unknown } | undefined) : undefined;
  const name = typeof entry?.name === "string" ? ` ("${entry.name}")` : "";
  const rest = formatPath(path.slice(2));
  return `connectors[${index}]${name}${rest === "" ? "" : `.${rest}`}`;
}
