/**
 * Runs the bundled Action the way the GitHub Actions runner does: `node action/main.cjs`, later
 * `node action/post.cjs`, each as its own process, with the inputs of `action.yml` (workflow
 * values, else the declared defaults) in `INPUT_<NAME>` variables, fresh per-step `GITHUB_ENV`,
 * `GITHUB_OUTPUT` and `GITHUB_STATE` files, `RUNNER_TEMP`, and the main step's saved state handed
 * to the post step as `STATE_<name>`. The files are read back with the runner's own parsing rules
 * (actions/runner, src/Runner.Worker/FileCommandManager.cs), the stdout with its workflow-command
 * syntax.
 */

import { execFile, execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";

export const ACTION_YML = resolve("action.yml");

/**
 * Which node runs the Action: Node 24 (`runs.using: node24`) when scripts/nodes.mjs installed it
 * (CI does), else the machine's Node, which `npm test` needs alone.
 */
export function actionNode(): { path: string; version: string } {
  const env = process.env;
  const nodesDir =
    env.ECR_VARS_NODES_DIR ||
    join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "ecr-vars-ci", "node");
  const candidates = [
    env.ECR_VARS_NODE24,
    join(nodesDir, "24", "node_modules", `node-${process.platform}-${process.arch}`, "bin", "node"),
  ].filter((p): p is string => p !== undefined && p !== "" && existsSync(p));
  for (const path of candidates) {
    const version = execFileSync(path, ["--version"], { encoding: "utf8" }).trim();
    if (version.startsWith("v24.")) return { path, version };
  }
  return { path: process.execPath, version: process.version };
}

interface ActionYml {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; main: string; post?: string };
}

export function readActionYml(): ActionYml {
  return parse(readFileSync(ACTION_YML, "utf8")) as ActionYml;
}

/** The runner's name mangling for inputs: spaces to `_`, upper case (dashes stay). */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

/** A file command file (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE) read as the runner reads it. */
export function parseFileCommands(text: string): Map<string, string> {
  const values = new Map<string, string>();
  let index = 0;
  const readLine = (): { line: string; newline: string } | undefined => {
    if (index >= text.length) return undefined;
    const start = index;
    const lf = text.indexOf("\n", index);
    if (lf < 0) {
      index = text.length;
      return { line: text.slice(start), newline: "" };
    }
    index = lf + 1;
    return { line: text.slice(start, lf), newline: "\n" };
  };
  for (let next = readLine(); next !== undefined; next = readLine()) {
    const { line } = next;
    if (line === "") continue;
    const equals = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      values.set(line.slice(0, equals), line.slice(equals + 1));
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (name === "" || delimiter === "") throw new Error(`invalid file command line: ${line}`);
      const start = index;
      let end = index;
      let value = readLine();
      while (value?.line !== delimiter) {
        if (value === undefined) throw new Error(`matching delimiter not found: ${delimiter}`);
        end = index - value.newline.length;
        value = readLine();
      }
      values.set(name, end > start ? text.slice(start, end) : "");
    } else {
      throw new Error(`invalid file command line: ${line}`);
    }
  }
  return values;
}

export interface WorkflowCommand {
  readonly command: string;
  readonly properties: Record<string, string>;
  readonly data: string;
  /** Index of the stdout line it was on. */
  readonly line: number;
}

const unescapeData = (text: string) =>
  text.replaceAll("%0D", "\r").replaceAll("%0A", "\n").replaceAll("%25", "%");
const unescapeProperty = (text: string) =>
  unescapeData(text).replaceAll("%3A", ":").replaceAll("%2C", ",");

/** `::command key=value,...::data` lines of a step's stdout. */
export function workflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  stdout.split("\n").forEach((raw, line) => {
    const match = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(raw.replace(/\r$/, ""));
    if (match === null) return;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? "").split(",").filter((p) => p !== "")) {
      const eq = pair.indexOf("=");
      properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
    commands.push({
      command: match[1] ?? "",
      properties,
      data: unescapeData(match[3] ?? ""),
      line,
    });
  });
  return commands;
}

/** The log the runner shows: stdout with every masked value replaced by `***`. */
export function runnerLog(stdout: string): string {
  const masks = workflowCommands(stdout)
    .filter((c) => c.command === "add-mask")
    .map((c) => c.data)
    .sort((a, b) => b.length - a.length);
  return stdout
    .split("\n")
    .filter((line) => !line.startsWith("::add-mask::"))
    .map((line) => masks.reduce((text, mask) => text.split(mask).join("***"), line))
    .join("\n");
}

export interface StepResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The raw file command files as the step left them. */
  readonly files: { readonly env: string; readonly output: string; readonly state: string };
  readonly env: Map<string, string>;
  readonly outputs: Map<string, string>;
  readonly state: Map<string, string>;
  readonly commands: WorkflowCommand[];
}

export interface RunnerJob {
  /** RUNNER_TEMP of the job. */
  readonly temp: string;
  /** What the runner itself warns about before the step (inputs action.yml does not declare). */
  readonly runnerWarnings: readonly string[];
  readonly node: { path: string; version: string };
  main(): Promise<StepResult>;
  post(): Promise<StepResult>;
}

/**
 * A job that uses the Action once: `with` holds the workflow's inputs, `env` the step's
 * environment (the runner passes the job's environment, plus what earlier steps exported).
 */
export async function runnerJob(init: {
  readonly dir: string;
  readonly with: Record<string, string>;
  readonly env: Record<string, string>;
}): Promise<RunnerJob> {
  const yml = readActionYml();
  const temp = join(init.dir, "_temp");
  await mkdir(temp, { recursive: true });
  const node = actionNode();
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(yml.inputs)) {
    const value = init.with[name] ?? spec.default;
    if (value !== undefined) inputs[inputVariable(name)] = value;
  }
  // The runner passes an input action.yml does not declare all the same, and warns in its own
  // words (actions/runner, src/Runner.Worker/ActionRunner.cs).
  const unexpected = Object.keys(init.with).filter((name) => !(name in yml.inputs));
  for (const name of unexpected) inputs[inputVariable(name)] = init.with[name] ?? "";
  const runnerWarnings =
    unexpected.length === 0
      ? []
      : [
          `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${Object.keys(yml.inputs).join("', '")}']`,
        ];
  let exported = new Map<string, string>();
  let state = new Map<string, string>();
  let step = 0;

  const runStep = async (entry: string, extra: Record<string, string>): Promise<StepResult> => {
    step += 1;
    const files = {
      env: join(temp, `_runner_file_commands/set_env_${step}`),
      output: join(temp, `_runner_file_commands/set_output_${step}`),
      state: join(temp, `_runner_file_commands/save_state_${step}`),
    };
    await mkdir(join(temp, "_runner_file_commands"), { recursive: true });
    for (const file of Object.values(files)) await writeFile(file, "");
    const env = {
      ...init.env,
      ...Object.fromEntries(exported),
      ...inputs,
      ...extra,
      GITHUB_ACTIONS: "true",
      CI: "true",
      RUNNER_TEMP: temp,
      GITHUB_ENV: files.env,
      GITHUB_OUTPUT: files.output,
      GITHUB_STATE: files.state,
    };
    const { code, stdout, stderr } = await new Promise<{
      code: number;
      stdout: string;
      stderr: string;
    }>((done) => {
      execFile(
        node.path,
        [resolve(entry)],
        { env, cwd: init.dir, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
        (error, out, err) =>
          done({
            code: error ? (typeof error.code === "number" ? error.code : -1) : 0,
            stdout: out,
            stderr: err,
          }),
      );
    });
    const raw = {
      env: await readFile(files.env, "utf8"),
      output: await readFile(files.output, "utf8"),
      state: await readFile(files.state, "utf8"),
    };
    const result: StepResult = {
      code,
      stdout,
      stderr,
      files: raw,
      env: parseFileCommands(raw.env),
      outputs: parseFileCommands(raw.output),
      state: parseFileCommands(raw.state),
      commands: workflowCommands(stdout),
    };
    return result;
  };

  return {
    temp,
    runnerWarnings,
    node,
    main: async () => {
      const result = await runStep(yml.runs.main, {});
      exported = new Map([...exported, ...result.env]);
      state = result.state;
      return result;
    },
    post: async () => {
      if (yml.runs.post === undefined) throw new Error("action.yml has no post entry");
      const stateEnv = Object.fromEntries([...state].map(([k, v]) => [`STATE_${k}`, v]));
      return runStep(yml.runs.post, stateEnv);
    },
  };
}
