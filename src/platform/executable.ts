/** Programs on PATH: finding one, and running one with input on stdin (never in argv). */

import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, join } from "node:path";
import type { Env } from "../core/expressions.js";

/** The executable `name` on the environment's PATH, or undefined when there is none. */
export async function findExecutable(name: string, env: Env): Promise<string | undefined> {
  const names = process.platform === "win32" ? [`${name}.exe`, `${name}.cmd`] : [name];
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    for (const candidate of names.map((n) => join(dir, n))) {
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not in this directory
      }
    }
  }
  return undefined;
}

export interface ProgramRun {
  readonly code: number;
  /** stdout and stderr together, trimmed; callers redact it before showing it. */
  readonly output: string;
}

/** Runs `path` with `args`, writes `input` to its stdin and collects what it prints. */
export function runProgram(
  path: string,
  args: readonly string[],
  env: Env,
  input = "",
): Promise<ProgramRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, [...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code: code ?? 1, output: Buffer.concat(chunks).toString("utf8").trim() }),
    );
    // A program that exits without reading its input must not end us with EPIPE.
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
}
