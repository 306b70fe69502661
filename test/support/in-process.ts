/**
 * The CLI run in-process through its `CliIo` seam: the same `main` the bin runs, without a
 * process start per case. For what does not need a process of its own (bad input, bad files,
 * formats, call counts); the bin itself is covered by the e2e tests.
 *
 * The AWS SDK reads some settings (endpoints, the default credential chain) from `process.env`,
 * so the run's environment is also `process.env` while it runs, and its working directory the
 * process's. Each test file runs in its own worker process (vitest's forks pool), and a file's
 * tests run one after another, so no other test sees either.
 */

import { main } from "../../src/cli/main.js";
import type { CliResult } from "./cli.js";
import { cleanEnv } from "./cli.js";

export async function runInProcess(
  args: readonly string[],
  env: Record<string, string> = cleanEnv(),
  options: {
    stdoutIsTty?: boolean;
    stderrIsTty?: boolean;
    /** Replaces the captured stdout, e.g. with one that fails. */
    stdout?: { write(text: string): unknown };
    /** The working directory of the run (relative paths, default output files). */
    cwd?: string;
  } = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const saved = { ...process.env };
  const savedCwd = process.cwd();
  if (options.cwd !== undefined) process.chdir(options.cwd);
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, env);
  try {
    const code = await main({
      argv: args,
      env,
      stdout: options.stdout ?? { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      version: "0.0.0-test",
      isTty: { stdout: options.stdoutIsTty ?? false, stderr: options.stderrIsTty ?? false },
    });
    return { code, stdout, stderr };
  } finally {
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, saved);
    process.chdir(savedCwd);
  }
}
