/**
 * `docker login` and `docker logout` for the Action. The password goes to `--password-stdin`,
 * never into argv (where `ps` and docker's own warning would show it). The docker CLI's output
 * passes through the redactor before it is logged.
 */

import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { EcrVarsError } from "../core/errors.js";
import type { Env } from "../core/expressions.js";

/** The docker CLI on PATH, or undefined when there is none. */
export async function findDocker(env: Env): Promise<string | undefined> {
  const names = process.platform === "win32" ? ["docker.exe", "docker.cmd"] : ["docker"];
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export interface DockerRun {
  readonly code: number;
  readonly output: string;
}

/** Runs the docker CLI with `input` on stdin; resolves with its status and combined output. */
export function runDocker(
  docker: string,
  args: readonly string[],
  env: Env,
  input = "",
): Promise<DockerRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(docker, [...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code: code ?? 1, output: Buffer.concat(chunks).toString("utf8").trim() }),
    );
    // A docker that exits without reading stdin must not crash us with EPIPE.
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
}

export async function dockerLogin(
  docker: string,
  host: string,
  username: string,
  password: string,
  env: Env,
): Promise<void> {
  const run = await runDocker(
    docker,
    ["login", "--username", username, "--password-stdin", host],
    env,
    password,
  );
  if (run.code !== 0) {
    throw new EcrVarsError({
      kind: "output",
      code: "DOCKER_LOGIN_FAILED",
      message: `docker login ${host} failed (exit ${run.code})${run.output ? `: ${run.output}` : ""}`,
      hint: "check that the docker CLI works in this job, or set docker-login: false and use the outputs",
    });
  }
}
