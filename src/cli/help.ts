/** `--help` text, generated from the options table and the format registry. */

import { renderers } from "../emit/registry.js";
import { OPTIONS, type OptionGroup, type OptionSpec } from "./options.js";

const GROUP_TITLES: Record<OptionGroup, string> = {
  task: "TASK",
  credentials: "AWS CREDENTIALS",
  output: "OUTPUT",
  general: "GENERAL",
};

export function helpText(version: string): string {
  const lines = [
    `ecr-vars ${version}: short-lived Amazon ECR credentials as CI variables, environment variables or files`,
    "",
    "USAGE",
    "  ecr-vars [options]                 fetch an ECR token and print or write the variables",
    '  eval "$(ecr-vars --region eu-west-1)"',
    "  ecr-vars connectors list           list the connectors of the connectors file (no secrets)",
    "  ecr-vars connectors test ID|NAME   resolve a connector and print its account and ARN",
    "  ecr-vars policy [--pull] [--push]  print the least-privilege IAM policy for the registries",
    "",
  ];
  for (const group of Object.keys(GROUP_TITLES) as OptionGroup[]) {
    lines.push(GROUP_TITLES[group]);
    for (const spec of OPTIONS.filter((o) => o.group === group)) lines.push(...optionLines(spec));
    lines.push("");
  }
  lines.push("FORMATS");
  const width = Math.max(...renderers.map((r) => r.name.length));
  for (const renderer of renderers)
    lines.push(`  ${renderer.name.padEnd(width)}  ${renderer.description}`);
  lines.push(
    "",
    "VARIABLES (namespace NS, default custom.aws; secrets end in .password and are masked)",
    "  NS.ecr.authorizationToken.password  NS.ecr.expirationDate  NS.ecr.proxyEndpoint",
    "  NS.ecr.proxyEndpointDomain  NS.ecr.username  NS.ecr.password  NS.ecr.credentials.json.password",
    "  In the environment: bamboo_ + the name with dots as underscores (see --env-prefix).",
    "  Several registries: each also under NS.ecr.<account>.<region_with_underscores>. (a FIPS or",
    "  dual-stack host adds _fips / _dualstack; ECR Public is NS.ecr.public.); see docs/registries.md.",
    "",
    "EXIT CODES",
    "  0 success or disabled   1 internal error (a bug: please report it)",
    "  2 bad usage or configuration   3 no usable credentials   4 AWS refused or failed",
    "  5 cannot write the output",
    "",
  );
  return lines.join("\n");
}

function optionLines(spec: OptionSpec): string[] {
  const short = spec.short === undefined ? "    " : `-${spec.short}, `;
  const flag = `${short}--${spec.flag}${spec.value === undefined ? "" : ` ${spec.value}`}`;
  const repeat = spec.multiple ? " (repeatable)" : "";
  const fallback = spec.default === undefined ? "" : ` [default: ${spec.default}]`;
  const text = `${spec.description}${repeat}${fallback}`;
  return flag.length <= 34
    ? [`  ${flag.padEnd(34)} ${text}`]
    : [`  ${flag}`, `  ${"".padEnd(34)} ${text}`];
}
