/**
 * The connectors file (SPEC 2.3): shared, named credential configurations. Secrets are references
 * (`${env.NAME}`, `${bamboo.NAME}`, `${file:PATH}`) resolved only when a connector is used.
 */

import * as z from "zod/mini";
import { configError, type FieldProblem } from "../core/errors.js";
import { formatPath, type IssuePath, issueToProblem } from "../core/schema-issues.js";
import {
  fileFieldLabel,
  readStructuredFile,
  type StructuredFile,
} from "../platform/structured-file.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const SECRET_REFERENCE =
  /^\$\{(?:env\.[A-Za-z_][A-Za-z0-9_]*|bamboo\.[A-Za-z0-9_.-]+|file:[^}]+)\}$/;
const ROLE_ARN =
  /^arn:aws(?:-cn|-us-gov|-iso|-iso-[a-z]|-eusc)?:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** A value that may be literal or a reference. */
const text = z.string().check(z.minLength(1, "must not be empty"));
/** A value that must be a reference, because it is a long-term secret. */
const secretReference = z
  .string()
  .check(
    z.regex(
      SECRET_REFERENCE,
      "holds a literal secret or an invalid reference; write ${env.NAME}, ${bamboo.NAME} or ${file:/path/to/file} and keep the secret in the CI system's secret store",
    ),
  );
const duration = z
  .number()
  .check(
    z.int("must be a whole number of seconds"),
    z.gte(900, "must be at least 900 seconds"),
    z.lte(43_200, "must be at most 43200 seconds"),
  );

const common = {
  id: z.string().check(z.regex(UUID, "must be a UUID, e.g. 0b7e8f52-5a0e-4c4e-9d1a-2f3c4d5e6f70")),
  name: z
    .string()
    .check(z.regex(NAME, "must be 1-64 characters of letters, digits, '.', '_' and '-'")),
  description: z.optional(z.string()),
  maxDurationSeconds: z.optional(duration),
};

const accessKeys = z.strictObject({
  ...common,
  type: z.literal("access-keys"),
  accessKeyId: text,
  secretAccessKey: secretReference,
  sessionToken: z.optional(secretReference),
});

const assumeRole = z.strictObject({
  ...common,
  type: z.literal("assume-role"),
  base: z.optional(text),
  roleArn: z
    .string()
    .check(
      z.regex(ROLE_ARN, "must be an IAM role ARN: arn:<partition>:iam::<account-id>:role/<name>"),
    ),
  externalId: z.optional(text),
  sessionName: z.optional(
    z
      .string()
      .check(
        z.regex(/^[\w+=,.@-]{2,64}$/, "must be 2-64 characters of letters, digits and +=,.@_-"),
      ),
  ),
  policy: z.optional(text),
});

const instanceRole = z.strictObject({ ...common, type: z.literal("instance-role") });

const connectorSchema = z.discriminatedUnion("type", [accessKeys, assumeRole, instanceRole]);
const fileSchema = z.strictObject({ connectors: z.array(connectorSchema) });

export type Connector = z.infer<typeof connectorSchema>;
export type ConnectorType = Connector["type"];

/** Bases an assume-role connector can name instead of another connector. */
export const BUILT_IN_BASES = ["environment", "instance-role"] as const;

export interface ConnectorsFile {
  readonly path: string;
  readonly connectors: readonly Connector[];
}

/** Reads and validates a connectors file, reporting every problem with its line. */
export async function loadConnectorsFile(path: string): Promise<ConnectorsFile> {
  const file = await readStructuredFile(path, "connectors file");
  return parseConnectors(file);
}

export function parseConnectors(file: StructuredFile): ConnectorsFile {
  const label = (path: IssuePath) => fileFieldLabel(file, path, connectorField(file.value, path));
  const parsed = fileSchema.safeParse(file.value);
  if (!parsed.success)
    throw configError(parsed.error.issues.map((issue) => issueToProblem(issue, label)));

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
    if (connector.type !== "assume-role" || connector.base === undefined) return;
    if ((BUILT_IN_BASES as readonly string[]).includes(connector.base)) return;
    if (findConnector(connectors, connector.base) === undefined) {
      problems.push({
        field: label(["connectors", index, "base"]),
        message: `names "${connector.base}", which is no connector in this file`,
        hint: `use another connector's id or name, or one of: ${BUILT_IN_BASES.join(", ")}`,
      });
    }
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

function baseIndex(connectors: readonly Connector[], connector: Connector): number | undefined {
  if (connector.type !== "assume-role" || connector.base === undefined) return undefined;
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
