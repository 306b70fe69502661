/**
 * `docker login` and `docker logout` for the Action. The password goes to `--password-stdin`,
 * never into argv (where `ps` and docker's own warning would show it). The docker CLI's output
 * passes through the redactor before it is logged.
 */

import { EcrVarsError } from "../core/errors.js";
import type { Env } from "../core/expressions.js";
import { findExecutable, type ProgramRun, runProgram } from "../platform/executable.js";

/** The docker CLI on PATH, or undefined when there is none. */
export function findDocker(env: Env): Promise<string | undefined> {
  return findExecutable("docker", env);
}

/** Runs the docker CLI with `input` on stdin; resolves with its status and combined output. */
export function runDocker(
  docker: string,
  args: readonly string[],
  env: Env,
  input = "",
): Promise<ProgramRun> {
  return runProgram(docker, args, env, input);
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
