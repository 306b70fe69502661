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

  connectors.forEach((connector, index) => {
    problems.push(...checkBase(connectors, connector, (key) => label(["connectors", index, key])));
    for (const { key, message, hint } of connectorType(connector).check?.(connector) ?? [])
      problems.push({ field: label(["connectors", index, key]), message, hint });
  });
  for (const cycle of findCycles(connectors)) {
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

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A base must exist; GetSessionToken and GetFederationToken also need long-term IAM user keys. */
function checkBase(
  connectors: readonly Connector[],
  connector: Connector,
  label: (key: string) => string,
): FieldProblem[] {
  if (!hasBase(connector) || connector.base === undefined) return [];
  const builtIn = (BUILT_IN_BASES as readonly string[]).includes(connector.base);
  const base = builtIn ? undefined : findConnector(connectors, connector.base);
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

function baseIndex(connectors: readonly Connector[], connector: Connector): number | undefined {
  if (!hasBase(connector) || connector.base === undefined) return undefined;
  const base = findConnector(connectors, connector.base);
  return base === undefined ? undefined : connectors.indexOf(base);
}

/** Each cycle of `base` links once, as the list of indexes along it, starting at its lowest. */
function findCycles(connectors: readonly Connector[]): number[][] {
  const cycles: number[][] = [];
  const reported = new Set<number>();
  connectors.forEach((_, start) => {
    const path: number[] = [];
    let current: number | undefined = start;
    while (current !== undefined && !path.includes(current)) {
      path.push(current);
      const next: Connector | undefined = connectors[current];
      current = next === undefined ? undefined : baseIndex(connectors, next);
    }
    if (current === undefined || reported.has(current)) return;
    const cycle = path.slice(path.indexOf(current));
    const lowest = Math.min(...cycle);
    if (lowest !== start) return;
    for (const i of cycle) reported.add(i);
    cycles.push(cycle);
  });
  return cycles;
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
