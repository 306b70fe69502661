/**
 * `ecr-vars doctor [--registry HOST …] [--format json]` (docs/doctor.md): why a pull or a login
 * fails. Runs every check in order, each one line with ✓ or ✗ and a fix; exits 0 only when
 * none failed, else with the exit code of the first failure.
 */

import { attemptLimits, lazyHttpSettings } from "../aws/http.js";
import { optionsError } from "../core/errors.js";
import { isRegion, partitionOf } from "../core/region.js";
import { parseRegistryHost, registryHost } from "../core/registry-host.js";
import { environmentRegion } from "../platform/aws-config.js";
import {
  chainLinks,
  clockCheck,
  credentialsCheck,
  permissionChecks,
  stsEndpoint,
} from "./doctor-aws.js";
import { imdsCheck, proxyCheck, webIdentityCheck } from "./doctor-host.js";
import { cacheDirCheck, clientChecks, connectorsCheck, helperConfigCheck } from "./doctor-local.js";
import { type CheckResult, doctorExitCode, renderJson, renderText } from "./doctor-report.js";
import type { CommandContext } from "./io.js";
import { timeoutSeconds } from "./run-options.js";

export async function runDoctorCommand(context: CommandContext): Promise<number> {
  const { io, values, redactor } = context;
  const env = io.env;
  const format = typeof values.format === "string" ? values.format : "text";
  const problems = [];
  if (format !== "text" && format !== "json") {
    problems.push({
      field: "--format",
      message: `"${format}" is not a doctor format`,
      hint: "use --format text (the default) or --format json",
    });
  }
  const hosts: string[] = [];
  const byRegion = new Map<string, string[]>();
  const given = Array.isArray(values.registry)
    ? values.registry
    : typeof values.registry === "string"
      ? [values.registry]
      : [];
  for (const input of given) {
    const parsed = parseRegistryHost(String(input));
    if (!parsed.ok) {
      problems.push({
        field: "--registry",
        message: `${String(input)}: ${parsed.reason}`,
        hint: parsed.hint,
      });
      continue;
    }
    if (parsed.address.kind !== "private") {
      problems.push({
        field: "--registry",
        message: `${parsed.address.host}: ECR Public is not checked by doctor`,
        hint: "name a private registry",
      });
      continue;
    }
    hosts.push(parsed.address.host);
    const ids = byRegion.get(parsed.address.region) ?? [];
    if (!ids.includes(parsed.address.accountId)) ids.push(parsed.address.accountId);
    byRegion.set(parsed.address.region, ids);
  }
  const flagRegion = typeof values.region === "string" ? values.region : undefined;
  if (flagRegion !== undefined && !isRegion(flagRegion)) {
    problems.push({
      field: "--region",
      message: `"${flagRegion}" is not an AWS region code`,
      hint: "use a code such as eu-west-1",
    });
  }
  const timeout = timeoutSeconds(
    typeof values.timeout === "string" ? values.timeout : undefined,
    problems,
  );
  if (problems.length > 0) throw optionsError(problems);
  const fromEnv = environmentRegion(env, isRegion);
  const region = flagRegion ?? [...byRegion.keys()][0] ?? fromEnv?.region ?? "us-east-1";

  const onSecret = (secret: string) => redactor.add(secret);
  const call = {
    region,
    ...attemptLimits(timeout * 1000),
    http: lazyHttpSettings(env, onSecret),
  };
  const aws = { env, call, onSecret };
  const now = () => io.clock?.() ?? new Date();

  const results: CheckResult[] = [];
  const links = await chainLinks(aws);
  results.push(credentialsCheck(links));
  const used = links.find((l) => l.credentials !== undefined);
  if (byRegion.size === 0) {
    byRegion.set(region, []);
    if (used?.account !== undefined) hosts.push(registryHost(used.account, region, "standard"));
  }
  results.push(...(await permissionChecks(aws, used, byRegion)));
  results.push(await clockCheck(aws, now));
  results.push(await imdsCheck(env, links, onSecret));
  const ecrApi = (r: string) =>
    env.AWS_ENDPOINT_URL_ECR ||
    env.AWS_ENDPOINT_URL ||
    `https://api.ecr.${r}.${partitionOf(r).dnsSuffix}`;
  const endpoints = [
    stsEndpoint(env, region),
    ...[...byRegion.keys()].map(ecrApi),
    ...hosts.map((h) => `https://${h}`),
  ];
  results.push(await proxyCheck(env, [...new Set(endpoints)]));
  results.push(webIdentityCheck(env, links, now()));
  results.push(await cacheDirCheck(env));
  results.push(helperConfigCheck(env));
  results.push(
    await connectorsCheck(
      env,
      typeof values.connectors === "string" ? values.connectors : undefined,
    ),
  );
  results.push(...(await clientChecks(env, hosts, onSecret, (text) => redactor.redact(text))));

  const text = format === "json" ? renderJson(results) : renderText(results);
  io.stdout.write(redactor.redact(text));
  return doctorExitCode(results);
}
