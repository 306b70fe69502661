/** The contract every output format implements: a pure renderer from variables to text. */

import type { EnvNaming } from "../core/names.js";
import type { RegistrySummary } from "../core/registries.js";
import type { Variable } from "../core/variables.js";

export interface RenderOptions {
  /** Namespace of the variables, e.g. `custom.aws`. */
  readonly namespace: string;
  /** How environment names are made (README, "Variables in the environment"; `core/names.ts`). */
  readonly envNaming: EnvNaming;
  /** `local` or `result` (docs/reference.md, "Options"). */
  readonly scope: "local" | "result";
  /** Where the rendered text is going to be written, when it is a file. */
  readonly outputPath?: string;
  /** With more than one registry: what each one is and where its own variables are. */
  readonly registries?: readonly RegistrySummary[];
  /**
   * The forms a secret takes once encoded (base64 of `AWS:secret`, JSON-escaped, ...), for
   * formats that register masks with the CI system; without it, the secret alone.
   */
  readonly secretForms?: (secret: string) => readonly string[];
  /** `gitlab`, scope result: put the secrets into the dotenv report too (`--report-secrets`). */
  readonly reportSecrets?: boolean;
  /** `docker-config` only: write `credHelpers` pointers to our helper instead of secrets. */
  readonly credentialHelper?: boolean;
  /** `kubernetes` only (`--secret-name`): the Secrets' name. */
  readonly secretName?: string;
  /** `kubernetes` only (`--secret-namespace`, repeatable): one Secret in each. */
  readonly secretNamespaces?: readonly string[];
}

/**
 * Text for a destination besides the output, where a CI system's protocol wants it:
 * - `append-env-file`: appended to the file an environment variable of the run names (GitHub's
 *   `GITHUB_ENV` and `GITHUB_OUTPUT`); the run fails when the variable is unset;
 * - `file`: a file of its own (0600, atomic), e.g. GitLab's dotenv report beside the output;
 * - `stderr`: written to stderr before anything else, not redacted: mask commands that the CI
 *   system reads from stderr as it reads stdout (GitHub's `::add-mask::`), so that stdout stays
 *   free for `eval "$(ecr-vars ...)"`;
 * - `command`: a program to run with the text on stdin where it is on PATH (Buildkite's
 *   `buildkite-agent redactor add`), skipped with a note where it is not.
 */
export type ExtraOutput =
  | { readonly kind: "append-env-file"; readonly variable: string; readonly text: string }
  | { readonly kind: "file"; readonly path: string; readonly text: string }
  | { readonly kind: "stderr"; readonly text: string }
  | {
      readonly kind: "command";
      readonly argv: readonly [string, ...string[]];
      readonly stdin: string;
    };

/** What a renderer produces: the text to write and notes for the human summary on stderr. */
export interface RenderPlan {
  /**
   * What the summary says was written when it is not the variables one by one, e.g.
   * `credHelpers entries for 2 registries (no secret)`; default: `N variables`.
   */
  readonly wrote?: string;
  readonly text: string;
  /** Lines for the human (e.g. the Inject task settings to use); never contain secret values. */
  readonly notes: readonly string[];
  /** Mask registrations (`stderr`, `command`) first of all, then the text, then the rest in order. */
  readonly extra?: readonly ExtraOutput[];
}

/**
 * Where a format's text goes when the user gives no `--output` (`--output -` always means stdout):
 * - `stdout`: printed, e.g. for `eval "$(ecr-vars ...)"`;
 * - `file`: a file of this path, relative to the working directory (never the build log);
 * - `append-env-file`: appended to the file an environment variable names;
 * - `auth-file`: the registry auth file the environment names for `client`, its directory created
 *   if needed (docs/clients.md): `docker` (also podman, buildah, skopeo; the default):
 *   $REGISTRY_AUTH_FILE, else $DOCKER_CONFIG/config.json, else ~/.docker/config.json; `helm`:
 *   Helm's registry config; `kaniko`: $DOCKER_CONFIG/config.json, else /kaniko/.docker/config.json.
 */
export type DefaultOutput =
  | { readonly kind: "stdout" }
  /** Appended to the file an environment variable names (CircleCI's `BASH_ENV`). */
  | { readonly kind: "append-env-file"; readonly variable: string }
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "auth-file"; readonly client?: AuthFileClient }
  /**
   * Only the CI system's own files and stderr (GitHub's `GITHUB_ENV`/`GITHUB_OUTPUT`): stdout gets
   * nothing, and `--output FILE` is refused rather than left empty.
   */
  | { readonly kind: "none" };

/** Whose registry auth file a format writes by default (docs/clients.md). */
export type AuthFileClient = "docker" | "helm" | "kaniko";

/**
 * How a format keeps secrets out of build logs, for the CLI's decisions and warnings:
 * - `by-name`: the CI system masks the values of variables whose names say they are secret
 *   (Bamboo: names containing "password"), so the text itself may hold secrets in clear;
 * - `commands`: the text itself tells the CI system to mask each secret before it is used
 *   (e.g. a log command per secret);
 * - `clear`: nothing masks the secrets: the text is for a 0600 file, `eval` or a pipe, never a
 *   terminal or a log.
 */
export type MaskingKind = "by-name" | "commands" | "clear";

export interface Renderer {
  readonly name: string;
  /** One line for `--help` and docs/reference.md. */
  readonly description: string;
  /**
   * How this format keeps secrets out of logs, one line for `--help` and docs/reference.md
   * (e.g. "Bamboo masks names containing 'password'").
   */
  readonly masking: string;
  readonly maskingKind: MaskingKind;
  readonly defaultOutput: DefaultOutput;
  /**
   * The CI system (as `platform/ci.ts` names it) whose own format this is: without `--format`,
   * a run inside that system uses it.
   */
  readonly ci?: string;
  /**
   * With `ci`: how a job loads the variables when this format is its CI system's default, one
   * clause for the first stderr line of a run without `--format` (README, "Quick start"). `path`
   * is the file the text goes to, undefined for stdout and the CI system's own files.
   */
  readonly loading?: (path: string | undefined) => string;
  /**
   * The text is commands to the `ci` system's agent (Azure's `##vso[...]`), which mean nothing
   * anywhere else: printing them outside that system is refused, as the formats that need the
   * system's own files are.
   */
  readonly agentCommands?: boolean;
  /**
   * The scopes this format can honour (docs/reference.md, "Options"); `--scope result` with a format that
   * has no way to carry variables to later stages is refused rather than silently ignored.
   * Default: local only.
   */
  readonly scopes?: readonly ("local" | "result")[];
  /**
   * The text is a bare secret (`password`): printing it to an interactive terminal is refused
   * (exit 2) unless `--force`. Other `clear` formats get a one-line warning there instead.
   */
  readonly refuseTerminal?: boolean;
  /** Accepts `--credential-helper` (`RenderOptions.credentialHelper`). */
  readonly credentialHelper?: boolean;
  /** Accepts `--secret-name` and `--secret-namespace` (`RenderOptions.secretName`, ...). */
  readonly secretOptions?: boolean;
  render(variables: readonly Variable[], options: RenderOptions): RenderPlan;
  /**
   * For formats that update a file others also write (`docker-config`): the new text from the
   * file's current text (undefined when it does not exist). The caller does the locked I/O.
   */
  merge?(
    existing: string | undefined,
    variables: readonly Variable[],
    options: RenderOptions,
  ): RenderPlan;
}
