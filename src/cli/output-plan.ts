/**
 * Where a run's rendered text goes and how it is written, for the main job: the scope check,
 * the destination (--output, stdout, the format's default, or a 0600 file instead of the log of a
 * CI system that cannot mask), and the writes of a plan in their safe order (mask registrations
 * first). docs/ci/ describes what each CI system gets.
 */

import { EcrVarsError, optionsError } from "../core/errors.js";
import type { Env } from "../core/expressions.js";
import { getRenderer, renderers } from "../emit/registry.js";
import { LOAD_IN_THIS_SHELL, sourceCommand } from "../emit/sh.js";
import type { Renderer, RenderPlan } from "../emit/types.js";
import { CI_PLATFORMS, detectCiPlatform } from "../platform/ci.js";
import type { Logger } from "../platform/logger.js";
import type { Redactor } from "../platform/redactor.js";
import type { CliIo } from "./io.js";
import type { RunOptions } from "./run-options.js";
import type { FlagValues } from "./task-input.js";

/**
 * Scope must mean something (docs/reference.md, "Options"): `--scope result` with a format that has no way
 * to carry variables to later stages is refused, never reported as done. Checked before any AWS
 * call.
 */
export function checkScope(
  scope: "local" | "result",
  run: RunOptions,
  flags: FlagValues,
  field: string,
): void {
  const renderer = getRenderer(run.format);
  const problems: Array<{ field: string; message: string; hint: string }> = [];
  if (scope === "result" && !(renderer?.scopes ?? ["local"]).includes("result")) {
    const carriers = renderers.filter((r) => r.scopes?.includes("result")).map((r) => r.name);
    problems.push({
      field,
      message: `result: the ${run.format} format has no way to carry variables to later stages or jobs`,
      hint: `use --scope local (and fetch again where the credentials are needed), or a format that carries them: ${carriers.join(", ")}`,
    });
  }
  if (renderer?.defaultOutput.kind === "none" && run.output !== undefined) {
    problems.push({
      field: "--output",
      message: `the ${run.format} format writes only to its CI system's own files, so it has nothing for ${run.output}`,
      hint: `drop --output (the variables go where the format says: ecr-vars help), or choose a format that writes a file, e.g. --format sh --output ${run.output}`,
    });
  }
  if (flags["report-secrets"] === true && (run.format !== "gitlab" || scope !== "result")) {
    problems.push({
      field: "--report-secrets",
      message: "only means something for GitLab's dotenv report",
      hint: "use it with --format gitlab --scope result, or drop it",
    });
  }
  if (problems.length > 0) throw optionsError(problems);
}

/**
 * A format of agent commands (`Renderer.agentCommands`) printed outside its CI system would
 * set nothing: refused (exit 2) like the formats that need the system's own files. With
 * `--output FILE` the commands go to a file, which is allowed.
 */
export function checkAgent(renderer: Renderer, run: RunOptions, env: Env): void {
  if (renderer.agentCommands !== true || run.output !== undefined) return;
  const platform = CI_PLATFORMS.find((p) => p.system === renderer.ci);
  if (platform === undefined || detectCiPlatform(env)?.system === platform.system) return;
  throw new EcrVarsError({
    kind: "usage",
    code: "NOT_IN_CI",
    message: `the ${renderer.name} format prints commands for the ${platform.title} agent, and this run is not in ${platform.title} (${platform.detectedBy} is not set)`,
    hint: `run it inside ${platform.title}, or choose a format for where you are, e.g. eval "$(ecr-vars ... --format sh)"`,
  });
}

/**
 * The first stderr line of a run inside a CI system without `--format`: which format that chose
 * and exactly how the job loads the variables, because `eval "$(ecr-vars ...)"` there may get
 * nothing on stdout (README, "Quick start"). Undefined outside CI or with `--format`.
 */
export function loadingLine(
  renderer: Renderer,
  run: RunOptions,
  destination: Destination,
  env: Env,
): string | undefined {
  const ci = detectCiPlatform(env);
  if (ci === undefined || run.formatExplicit) return undefined;
  const file = destination.append ? undefined : destination.path;
  const how =
    renderer.loading?.(file) ??
    (file === undefined
      ? `the variables are on stdout: ${LOAD_IN_THIS_SHELL}`
      : `load the variables with ${sourceCommand(file)} (they are not on stdout: ${ci.title} cannot mask them in the log)`);
  return `ecr-vars: ${ci.title} detected and no --format given, so the format is ${renderer.name}: ${how}.`;
}

/** Where the text goes: a file (appended to, or replaced), or stdout; and what to say about it. */
export interface Destination {
  readonly path: string | undefined;
  readonly append: boolean;
  /** How the summary names it: the path, `$BASH_ENV (/tmp/...)`, `stdout`. */
  readonly label: string;
  readonly notes: readonly string[];
}

/**
 * `--output FILE`, else stdout when `--output -`, else the format's own default output. Inside a
 * CI system whose log cannot mask values set during the run (platform/ci.ts), a format that
 * prints secrets in clear and was not asked for by name goes to a 0600 file instead of the log.
 */
export async function destinationOf(
  renderer: Renderer,
  run: RunOptions,
  io: CliIo,
  files: () => Promise<typeof import("../platform/docker-config-file.js")>,
): Promise<Destination> {
  const file = (path: string, notes: readonly string[] = []): Destination => ({
    path,
    append: false,
    label: path,
    notes,
  });
  const stdout: Destination = { path: undefined, append: false, label: "stdout", notes: [] };
  if (run.output !== undefined) return file(run.output);
  if (run.forceStdout) return stdout;
  const fallback = renderer.defaultOutput;
  switch (fallback.kind) {
    case "none":
      return stdout;
    case "stdout": {
      const ci = detectCiPlatform(io.env);
      if (ci === undefined || ci.runtimeMasking || run.formatExplicit) return stdout;
      if (renderer.maskingKind !== "clear") return stdout;
      return file(UNMASKED_CI_FILE, [
        `${ci.title} cannot mask values created during a job, so the variables went to ${UNMASKED_CI_FILE} (mode 0600), not the log: load them with . ./${UNMASKED_CI_FILE} (--format ${renderer.name} or --output - prints them instead)`,
      ]);
    }
    case "append-env-file": {
      const path = io.env[fallback.variable];
      if (!path) {
        throw new EcrVarsError({
          kind: "usage",
          code: "NO_CI_FILE",
          message: `the ${renderer.name} format appends to the file $${fallback.variable} names, and ${fallback.variable} is not set`,
          hint: `run it inside the CI system that sets ${fallback.variable}, or give --output FILE`,
        });
      }
      return { path, append: true, label: `$${fallback.variable} (${path})`, notes: [] };
    }
    case "file":
      return file(fallback.path);
    case "auth-file":
      return file((await files()).authFilePath(fallback.client ?? "docker", io.env));
  }
}

/** A run inside a CI system without masking writes here when no --output or --format is given. */
export const UNMASKED_CI_FILE = "ecr-vars.env";

/**
 * Writes a plan: commands first (they register masks with the CI system), then the text, then
 * the other files. Returns how the summary names each place written to.
 */
export async function writePlan(
  plan: RenderPlan,
  destination: Destination,
  merged: boolean,
  io: CliIo,
  logger: Logger,
  redactor: Redactor,
): Promise<string[]> {
  const extra = plan.extra ?? [];
  // Nothing is written unless every file the protocol needs is there.
  for (const item of extra) {
    if (item.kind === "append-env-file" && !io.env[item.variable]) {
      throw new EcrVarsError({
        kind: "usage",
        code: "NO_CI_FILE",
        message: `this format writes to the file $${item.variable} names, and ${item.variable} is not set`,
        hint: "run it inside the CI system that sets it (or choose another --format)",
      });
    }
  }
  // Mask commands first, unredacted: the redactor would turn them into masks of "********".
  for (const item of extra) if (item.kind === "stderr") io.stderr.write(item.text);
  for (const item of extra) {
    if (item.kind !== "command") continue;
    const { findExecutable, runProgram } = await import("../platform/executable.js");
    const [program, ...args] = item.argv;
    const path = await findExecutable(program, io.env);
    if (path === undefined) {
      logger.info(`${program} is not on PATH: skipped ${item.argv.join(" ")}`);
      continue;
    }
    const result = await runProgram(path, args, io.env, item.stdin);
    // These commands add protection (log redaction) on top of formats that keep secrets out of
    // the log anyway; an agent too old for one must not stop the run.
    if (result.code !== 0) {
      logger.warn(
        `${item.argv.join(" ")} failed (exit ${result.code}): ${redactor.redact(result.output)}; the secrets are not in the log, but a later command that prints one will not be redacted (an agent of version 3.67 or later has the redactor)`,
      );
    }
  }
  const written: string[] = [];
  if (destination.path === undefined) {
    io.stdout.write(plan.text);
    if (plan.text !== "" || !extra.some((item) => item.kind !== "stderr"))
      written.push(destination.label);
  } else if (destination.append) {
    await (await import("../platform/append-file.js")).appendToFile(
      destination.path,
      plan.text,
      destination.label,
    );
    written.push(destination.label);
  } else {
    if (!merged)
      await (await import("../platform/write-file.js")).writeSecretFile(
        destination.path,
        plan.text,
      );
    written.push(destination.label);
  }
  for (const item of extra) {
    if (item.kind === "append-env-file") {
      const path = io.env[item.variable] ?? "";
      if (item.text === "") continue;
      await (await import("../platform/append-file.js")).appendToFile(
        path,
        item.text,
        `$${item.variable}`,
      );
      written.push(`$${item.variable}`);
    } else if (item.kind === "file") {
      await (await import("../platform/write-file.js")).writeSecretFile(item.path, item.text);
      written.push(item.path);
    }
  }
  return written;
}
