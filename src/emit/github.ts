/**
 * `github`: GitHub Actions' own protocol. `::add-mask::` for every secret and each form it takes
 * goes to stderr, first: the runner reads workflow commands from stderr as from stdout, and
 * stdout stays empty, so a step that runs `eval "$(ecr-vars ...)"` evaluates nothing instead of
 * a mask command (whose "command not found" error would print the secret unmasked). The
 * variables go to the runner's file commands: `GITHUB_ENV`
 * (scope local and result) and `GITHUB_OUTPUT` (scope result), in the runner's delimiter syntax
 * so that no value can end early or inject another entry. docs/ci/github-actions.md.
 */

import { type EnvNaming, envName } from "../core/names.js";
import type { RegistrySummary } from "../core/registries.js";
import type { Variable } from "../core/variables.js";
import { registryLogins } from "./docker-config.js";
import { maskValues } from "./masks.js";
import { checkEnvName, checkEnvValue } from "./problems.js";
import { LOAD_IN_THIS_SHELL } from "./sh.js";
import type { Renderer } from "./types.js";

/** A workflow command's data: the runner reads `%25`, `%0D` and `%0A` back as `%`, CR and LF. */
export function commandData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/**
 * One file-command entry: `NAME<<DELIMITER`, the value, the delimiter. The runner ends the value
 * at the first line that equals the delimiter, so the delimiter is chosen to be no line of the
 * value (deterministically: the first free `ECR_VARS_EOF_n`).
 */
export function fileCommand(name: string, value: string): string {
  const lines = new Set(value.split(/\r?\n/));
  let n = 0;
  while (lines.has(`ECR_VARS_EOF_${n}`)) n += 1;
  const delimiter = `ECR_VARS_EOF_${n}`;
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/** `123456789012.dkr.ecr.eu-west-1.amazonaws.com` → `123456789012_dkr_ecr_eu_west_1_amazonaws_com`. */
export function outputSuffix(host: string): string {
  return host.replace(/[^A-Za-z0-9_]/g, "_");
}

/**
 * The step outputs of a run. Local: the registry hosts (no secret), so later steps can tag images.
 * Result: also amazon-ecr-login's `docker_username_<host>` / `docker_password_<host>` and every
 * variable under its environment name.
 */
export function githubOutputs(
  variables: readonly Variable[],
  registries: readonly RegistrySummary[] | undefined,
  scope: "local" | "result",
  naming: EnvNaming,
): Array<readonly [string, string]> {
  const hosts =
    registries?.map((r) => r.registry) ?? registryLogins(variables).map((login) => login.host);
  const outputs: Array<readonly [string, string]> = [];
  if (hosts.length === 1 && hosts[0] !== undefined) outputs.push(["registry", hosts[0]]);
  outputs.push(["registries", hosts.join(",")]);
  if (scope === "result") {
    for (const login of registryLogins(variables)) {
      const suffix = outputSuffix(login.host);
      outputs.push([`docker_username_${suffix}`, login.username]);
      outputs.push([`docker_password_${suffix}`, login.password]);
    }
    for (const v of variables) outputs.push([envName(v.name, naming), v.value]);
  }
  return outputs;
}

export const github: Renderer = {
  name: "github",
  description:
    "GitHub Actions: ::add-mask:: for every secret (on stderr, first; nothing on stdout), the variables appended to $GITHUB_ENV (and with --scope result, step outputs to $GITHUB_OUTPUT, named like amazon-ecr-login's)",
  masking:
    "every secret and its encoded forms are masked with ::add-mask:: before anything else is written; values go to the runner's files, not the log",
  maskingKind: "commands",
  defaultOutput: { kind: "none" },
  ci: "github",
  loading: () =>
    `the later steps of this job get the variables from $GITHUB_ENV, and stdout stays empty; to load them into this step's shell, ${LOAD_IN_THIS_SHELL}`,
  scopes: ["local", "result"],
  render(variables, options) {
    const env = variables.map((variable) => {
      checkEnvValue("github", variable);
      return fileCommand(
        checkEnvName("github", variable, envName(variable.name, options.envNaming)),
        variable.value,
      );
    });
    const masks = maskValues(variables, options).map(
      (form) => `::add-mask::${commandData(form)}\n`,
    );
    const outputs = githubOutputs(
      variables,
      options.registries,
      options.scope,
      options.envNaming,
    ).map(([name, value]) => fileCommand(name, value));
    return {
      text: "",
      extra: [
        { kind: "stderr", text: masks.join("") },
        { kind: "append-env-file", variable: "GITHUB_ENV", text: env.join("") },
        { kind: "append-env-file", variable: "GITHUB_OUTPUT", text: outputs.join("") },
      ],
      notes: [
        options.scope === "result"
          ? "GitHub Actions: variables in GITHUB_ENV for this job and as step outputs; masked outputs do not cross jobs (run ecr-vars again there: docs/ci/github-actions.md)"
          : "GitHub Actions: variables in GITHUB_ENV for the rest of this job; registry hosts as step outputs",
      ],
    };
  },
};
