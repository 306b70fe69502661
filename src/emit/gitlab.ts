/**
 * `gitlab`: GitLab CI. GitLab cannot mask a value created during a job, so the variables never go
 * to the log: scope local writes `export` lines for the job's shell to a 0600 file (`. ./FILE`);
 * scope result also writes a dotenv report for `artifacts:reports:dotenv`, which later jobs
 * receive as variables. Report artifacts are readable by everyone who can download the job's
 * artifacts and are not masked, so by default the report carries no secret: the registry host,
 * endpoint, user name and expiry; a later job gets the password by running ecr-vars again.
 * The report keeps within GitLab's documented limits: 5,120 bytes, 20 variables (the smallest
 * plan limit), one `NAME=value` per line, no empty lines or comments, no quoting (quotes would be
 * kept as part of the value), ASCII names, values without line breaks or surrounding spaces.
 * docs/ci/gitlab.md.
 */

import { EcrVarsError } from "../core/errors.js";
import { envName } from "../core/names.js";
import { VARIABLE_LEAVES, type Variable } from "../core/variables.js";
import { sh, sourceCommand } from "./sh.js";
import type { Renderer, RenderOptions } from "./types.js";

export const DOTENV_MAX_BYTES = 5120;
export const DOTENV_MAX_VARIABLES = 20;
export const DOTENV_REPORT_FILE = "ecr-vars.dotenv";

const REPORT_NAME = /^[A-Za-z0-9_]+$/;
// Plain ASCII-printable, no surrounding whitespace (GitLab strips it), no line break.
const REPORT_VALUE = /^(?:[!-~](?:[ -~]*[!-~])?)?$/;

// Per registry, the leaves that are no secret: enough for a later job to tag, pull with a fresh
// password, and know when the token it might reuse expires; the password only when asked for.
function reportedLeaves(reportSecrets: boolean): string[] {
  return VARIABLE_LEAVES.filter(
    (leaf) => !leaf.secret || (reportSecrets && leaf.name === "password"),
  ).map((leaf) => leaf.name);
}

function reportVariables(variables: readonly Variable[], options: RenderOptions): Variable[] {
  // With several registries, each one's own set; the un-suffixed set repeats the first one's.
  const prefixes =
    (options.registries?.length ?? 0) > 1
      ? (options.registries ?? []).map((r) => `${r.variablePrefix}.`)
      : [`${options.namespace}.ecr.`];
  const leaves = reportedLeaves(options.reportSecrets === true);
  return variables.filter((v) =>
    prefixes.some(
      (prefix) => v.name.startsWith(prefix) && leaves.includes(v.name.slice(prefix.length)),
    ),
  );
}

function tooLarge(message: string, hint: string): EcrVarsError {
  return new EcrVarsError({ kind: "output", code: "DOTENV_REPORT_TOO_LARGE", message, hint });
}

/** The dotenv report and its size, checked against GitLab's limits. */
export function dotenvReport(
  variables: readonly Variable[],
  options: RenderOptions,
): { text: string; bytes: number; count: number } {
  const lines: string[] = [];
  for (const variable of reportVariables(variables, options)) {
    const name = envName(variable.name, options.envNaming);
    if (!REPORT_NAME.test(name)) {
      throw new EcrVarsError({
        kind: "config",
        code: "INVALID_ENV_NAME",
        message: `a GitLab dotenv report cannot name ${variable.name}: ${JSON.stringify(name)} has characters other than ASCII letters, digits and _`,
        hint: "choose a namespace and --env-prefix of ASCII letters, digits and underscores",
      });
    }
    if (!REPORT_VALUE.test(variable.value)) {
      throw new EcrVarsError({
        kind: "output",
        code: "UNREPRESENTABLE_VALUE",
        message: `a GitLab dotenv report cannot carry the value of ${variable.name} exactly: it has a line break, surrounding spaces or non-ASCII characters`,
        hint: "use --scope local and pass the value through a file artifact instead",
      });
    }
    lines.push(`${name}=${variable.value}\n`);
  }
  const text = lines.join("");
  const bytes = Buffer.byteLength(text, "utf8");
  if (lines.length > DOTENV_MAX_VARIABLES) {
    throw tooLarge(
      `the dotenv report would hold ${lines.length} variables; GitLab accepts ${DOTENV_MAX_VARIABLES} on some plans and instances`,
      options.reportSecrets
        ? "drop --report-secrets, or serve fewer registries per job"
        : "serve at most 5 registries per job with --scope result, or use --scope local",
    );
  }
  if (bytes > DOTENV_MAX_BYTES) {
    throw tooLarge(
      `the dotenv report would be ${bytes} bytes; GitLab accepts ${DOTENV_MAX_BYTES}`,
      options.reportSecrets
        ? "drop --report-secrets (a later job runs ecr-vars again instead)"
        : "serve fewer registries per job, or use a shorter --namespace",
    );
  }
  return { text, bytes, count: lines.length };
}

function besideOutput(options: RenderOptions): string {
  const path = options.outputPath;
  const slash = path?.lastIndexOf("/") ?? -1;
  return path === undefined || slash < 0
    ? DOTENV_REPORT_FILE
    : `${path.slice(0, slash + 1)}${DOTENV_REPORT_FILE}`;
}

export const gitlab: Renderer = {
  name: "gitlab",
  description: `GitLab CI: export lines for the job's shell in a 0600 file (default ecr-vars.env; load with . ./ecr-vars.env); with --scope result also ${DOTENV_REPORT_FILE}, a dotenv report for artifacts:reports:dotenv within GitLab's limits (${DOTENV_MAX_BYTES} bytes, ${DOTENV_MAX_VARIABLES} variables) carrying no secret unless --report-secrets`,
  masking:
    "GitLab cannot mask values created during a job: nothing goes to the log; secrets stay in the 0600 file, and out of the report unless --report-secrets",
  maskingKind: "clear",
  defaultOutput: { kind: "file", path: "ecr-vars.env" },
  ci: "gitlab",
  loading: (path) =>
    `load the variables with ${sourceCommand(path ?? "ecr-vars.env")} (they are not on stdout: GitLab cannot mask them in the log)`,
  scopes: ["local", "result"],
  render(variables, options) {
    const shell = sh.render(variables, options);
    if (options.scope !== "result") {
      return {
        text: shell.text,
        notes: [
          `GitLab CI cannot mask values created during a job, so the variables are not in the log; ${shell.notes.join("; ")}`,
        ],
      };
    }
    const report = dotenvReport(variables, options);
    const path = besideOutput(options);
    const limits = `${report.bytes} of ${DOTENV_MAX_BYTES} bytes, ${report.count} of ${DOTENV_MAX_VARIABLES} variables`;
    const note = options.reportSecrets
      ? `warning: ${path} is a dotenv report (${limits}) for artifacts:reports:dotenv that carries the registry password in clear (--report-secrets): GitLab cannot mask it, and everyone who can download this job's artifacts can read it until it expires`
      : `${path} is a dotenv report (${limits}) for artifacts:reports:dotenv with the registry host, endpoint, user name and expiry but no secret, because GitLab cannot mask values created during a job and report artifacts are readable by project members: a later job gets the password by running ecr-vars again (or docker-credential-ecr-vars); --report-secrets puts it in anyway`;
    return {
      text: shell.text,
      extra: [{ kind: "file", path, text: report.text }],
      notes: [`${shell.notes.join("; ")}; ${note}`],
    };
  },
};
