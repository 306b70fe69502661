/**
 * `ecr-vars connectors list|test`: shows the connectors of the connectors file (never a secret or
 * a reference's value) and tests one by resolving it and asking STS who it is. Everything printed
 * goes through a redactor that learns every secret the connector handles before it is used.
 */

import { CallWatch, describeAttempt } from "../aws/attempts.js";
import type { AwsCallOptions } from "../aws/call.js";
import { callerIdentity } from "../aws/caller-identity.js";
import { attemptLimits, lazyHttpSettings } from "../aws/http.js";
import { ExitCode, type FieldProblem, optionsError, usageError } from "../core/errors.js";
import type { Env } from "../core/expressions.js";
import { isRegion } from "../core/region.js";
import { closest } from "../core/suggest.js";
import { type Connector, hasBase } from "../credentials/connector-schema.js";
import { connectorType } from "../credentials/connector-types.js";
import { findConnector, loadConnectorsFile } from "../credentials/connectors-file.js";
import { connectorLabel, fromConnector } from "../credentials/providers.js";
import { environmentRegion } from "../platform/aws-config.js";
import { withDeadline } from "../platform/deadline.js";
import type { Redactor } from "../platform/redactor.js";
import { connectorsFilePath } from "../task/resolve.js";
import type { CommandContext } from "./io.js";
import { timeoutSeconds } from "./run-options.js";

export async function runConnectorsCommand(context: CommandContext): Promise<number> {
  const { io, values, positionals, redactor } = context;
  const path = connectorsFilePath(
    typeof values.connectors === "string" ? values.connectors : undefined,
    io.env,
  );
  if (context.command === "list") {
    const file = await loadConnectorsFile(path);
    io.stdout.write(values.json ? listJson(file.connectors) : listText(file.path, file.connectors));
    return ExitCode.ok;
  }
  const [ref = ""] = positionals;
  const region = typeof values.region === "string" ? values.region : undefined;
  const timeout = typeof values.timeout === "string" ? values.timeout : undefined;
  const limits = callOptions(region, timeout, io.env);
  const call = {
    ...limits,
    http: lazyHttpSettings(io.env, (secret) => redactor.add(secret)),
    // A slow STS call says so on stderr after a second; the answer goes to stdout.
    watch: new CallWatch({
      onSlow: (line) => context.logger.info(`ecr-vars connectors: ${line}`),
    }),
  };
  const file = await loadConnectorsFile(path);
  const connector = findConnector(file.connectors, ref);
  if (connector === undefined) {
    const known = file.connectors.map((c) => `${c.name} (${c.id})`).join(", ") || "none";
    const guess = closest(
      ref,
      file.connectors.map((c) => c.name),
    );
    throw usageError(
      `no connector "${ref}" in ${file.path}`,
      `${guess === undefined ? "" : `did you mean "${guess}"? `}use the id or name of a defined connector; defined: ${known}`,
    );
  }
  const lines = await testConnector(connector, file.connectors, io.env, call, redactor);
  io.stdout.write(redactor.redact(`${lines.join("\n")}\n`));
  return ExitCode.ok;
}

/** Resolves the connector and asks STS who the credentials belong to. */
async function testConnector(
  connector: Connector,
  connectors: readonly Connector[],
  env: Env,
  call: AwsCallOptions & { readonly deadlineMs: number },
  redactor: Redactor,
): Promise<string[]> {
  const provider = fromConnector(connector, connectors, {
    env,
    call,
    onSecret: (s) => redactor.add(s),
  });
  const work = async () => {
    const credentials = await provider();
    redactor.add(credentials.secretAccessKey);
    redactor.add(credentials.sessionToken);
    return { credentials, identity: await callerIdentity(credentials, call) };
  };
  const { credentials, identity } = await withDeadline(
    call.deadlineMs,
    () => call.watch?.pending().map(describeAttempt) ?? [],
    work(),
  );
  return [
    `${connectorLabel(connector)} ${connector.id}: OK`,
    `  credentials: ${credentials.source}`,
    `  account:     ${identity.account ?? "?"}`,
    `  arn:         ${identity.arn ?? "?"}`,
    `  user id:     ${identity.userId ?? "?"}`,
    ...(credentials.expiration === undefined
      ? []
      : [`  expires:     ${credentials.expiration.toISOString().replace(/\.\d{3}Z$/, "Z")}`]),
  ];
}

function listText(path: string, connectors: readonly Connector[]): string {
  if (connectors.length === 0) return `no connectors in ${path}\n`;
  const rows = connectors.map((c) => [c.id, c.name, c.type, basis(c)]);
  const head = ["ID", "NAME", "TYPE", "BASED ON"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return `${[line(head), ...rows.map(line)].join("\n")}\n`;
}

function listJson(connectors: readonly Connector[]): string {
  const list = connectors.map((c) => ({ id: c.id, name: c.name, type: c.type, basedOn: basis(c) }));
  return `${JSON.stringify({ connectors: list }, null, 2)}\n`;
}

/** What a connector starts from, in a few words and without any secret or reference value. */
function basis(connector: Connector): string {
  const base = hasBase(connector) ? (connector.base ?? "environment") : "";
  return connectorType(connector).basis(connector, base);
}

function callOptions(region: string | undefined, timeout: string | undefined, env: Env) {
  // The region precedence of the main job (docs/reference.md, "Region"), with us-east-1 as the last resort:
  // STS answers GetCallerIdentity in any region of the partition.
  const problems: FieldProblem[] = [];
  const found = region === undefined ? environmentRegion(env, isRegion) : undefined;
  const code =
    region ??
    found?.region ??
    (found !== undefined && "invalid" in found ? found.invalid : "us-east-1");
  if (!isRegion(code))
    problems.push({
      field: region === undefined ? (found?.origin ?? "AWS_REGION") : "--region",
      message: `"${code}" is not an AWS region code`,
      hint: "use a region code such as eu-west-1",
    });
  const seconds = timeoutSeconds(timeout, problems);
  if (problems.length > 0) throw optionsError(problems);
  const deadlineMs = seconds * 1000;
  return {
    region: code,
    ...attemptLimits(deadlineMs),
    deadlineMs,
  };
}
