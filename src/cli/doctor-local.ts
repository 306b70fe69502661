/**
 * Local checks of `ecr-vars doctor` (docs/doctor.md): the token cache directory, the helper
 * config and connectors files, and per registry the program Docker and podman will ask for a
 * login (`credHelpers`, `credsStore`, `auths` in their files) and whether it answers.
 */

import { lstat } from "node:fs/promises";
import { join } from "node:path";
import { cacheDir } from "../cache/dir.js";
import { isEcrVarsError } from "../core/errors.js";
import type { Env } from "../core/expressions.js";
import { LIMITS, readBoundedSync } from "../platform/bounded-read.js";
import { defaultDockerConfigPath } from "../platform/docker-config-file.js";
import { findExecutable, runProgram } from "../platform/executable.js";
import { readHelperConfig } from "../platform/helper-config-file.js";
import { homeDir } from "../platform/home.js";
import { isOwnedByUser, isPrivateToUser } from "../platform/owner.js";
import { connectorsFilePath } from "../task/resolve.js";
import type { CheckResult } from "./doctor-report.js";

export async function cacheDirCheck(env: Env): Promise<CheckResult> {
  const dir = cacheDir(env);
  const check = "cache directory";
  const stat = await lstat(dir).catch(() => undefined);
  if (stat === undefined) {
    return {
      check,
      status: "pass",
      summary: `${dir} does not exist yet; it is created with mode 0700`,
    };
  }
  const mode = (stat.mode & 0o777).toString(8).padStart(4, "0");
  if (!stat.isDirectory()) {
    return {
      check,
      status: "fail",
      summary: `${dir} is not a directory`,
      fix: `remove it, or set ECR_VARS_CACHE_DIR to a private directory`,
      exitCode: 2,
    };
  }
  if (!isOwnedByUser(stat)) {
    return {
      check,
      status: "fail",
      summary: `${dir} belongs to uid ${stat.uid}, not to this user: no token is cached there`,
      fix: `set ECR_VARS_CACHE_DIR to a directory of your own`,
      exitCode: 2,
    };
  }
  if (!isPrivateToUser(stat)) {
    return {
      check,
      status: "fail",
      summary: `${dir} has mode ${mode}, open to others: no token is cached there`,
      fix: `chmod 700 ${dir}`,
      exitCode: 2,
    };
  }
  return { check, status: "pass", summary: `${dir}: yours, mode ${mode}` };
}

export function helperConfigCheck(env: Env): CheckResult {
  const read = readHelperConfig(env);
  const check = "helper config";
  if (read.kind === "invalid") {
    return {
      check,
      status: "fail",
      summary: read.message.split("\n")[0] ?? read.message,
      fix: `fix ${read.path} (docs/docker.md, "Registry maps")`,
      exitCode: 2,
    };
  }
  if (read.kind === "none")
    return { check, status: "pass", summary: `none at ${read.path} (not needed)` };
  return {
    check,
    status: "pass",
    summary: `${read.path}: ${read.map.rules.length} registry entries`,
  };
}

export async function connectorsCheck(env: Env, flag: string | undefined): Promise<CheckResult> {
  const path = connectorsFilePath(flag, env);
  const check = "connectors file";
  const explicit = flag !== undefined || Boolean(env.ECR_VARS_CONNECTORS);
  if ((await lstat(path).catch(() => undefined)) === undefined && !explicit) {
    return { check, status: "pass", summary: `none at ${path} (not needed)` };
  }
  try {
    const { loadConnectorsFile } = await import("../credentials/connectors-file.js");
    const file = await loadConnectorsFile(path);
    return { check, status: "pass", summary: `${path}: ${file.connectors.length} connectors` };
  } catch (error) {
    const problem = isEcrVarsError(error)
      ? [error.message, ...(error.problems ?? []).map((p) => `${p.field}: ${p.message}`)].join("; ")
      : String(error);
    return {
      check,
      status: "fail",
      summary: problem,
      fix: `fix ${path} (docs/connectors.md)`,
      exitCode: 2,
    };
  }
}

/** The files a client reads logins from, in its order of lookup. */
export function clientFiles(env: Env): Record<"docker" | "podman", string[]> {
  const docker = env.DOCKER_CONFIG
    ? join(env.DOCKER_CONFIG, "config.json")
    : join(homeDir(env), ".docker", "config.json");
  const podman = env.REGISTRY_AUTH_FILE
    ? [env.REGISTRY_AUTH_FILE]
    : [
        ...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, "containers", "auth.json")] : []),
        join(env.XDG_CONFIG_HOME || join(homeDir(env), ".config"), "containers", "auth.json"),
        defaultDockerConfigPath({ ...env, REGISTRY_AUTH_FILE: undefined }),
      ];
  return { docker: [docker], podman };
}

type Lookup =
  | {
      readonly kind: "program";
      readonly file: string;
      readonly key: string;
      readonly program: string;
    }
  | { readonly kind: "auths"; readonly file: string }
  | { readonly kind: "none" }
  | { readonly kind: "unreadable"; readonly file: string; readonly message: string };

function lookup(files: readonly string[], host: string): Lookup {
  for (const file of files) {
    let config: Record<string, unknown>;
    try {
      config = JSON.parse(readBoundedSync(file, LIMITS.authFile)) as Record<string, unknown>;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") continue;
      return { kind: "unreadable", file, message: code ?? "not JSON" };
    }
    const object = (value: unknown) =>
      typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
    const helper = object(config.credHelpers)[host];
    if (typeof helper === "string") {
      return {
        kind: "program",
        file,
        key: `credHelpers["${host}"]`,
        program: `docker-credential-${helper}`,
      };
    }
    if (typeof config.credsStore === "string" && config.credsStore !== "") {
      return {
        kind: "program",
        file,
        key: "credsStore",
        program: `docker-credential-${config.credsStore}`,
      };
    }
    const auths = object(config.auths);
    if (auths[host] !== undefined || auths[`https://${host}`] !== undefined)
      return { kind: "auths", file };
  }
  return { kind: "none" };
}

/** Per registry and client: what it will ask, and whether that answers with a login. */
export async function clientChecks(
  env: Env,
  hosts: readonly string[],
  onSecret: (secret: string) => void,
  redact: (text: string) => string,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const files = clientFiles(env);
  for (const host of hosts) {
    for (const client of ["docker", "podman"] as const) {
      const check = `${client} ${host}`;
      const found = lookup(files[client], host);
      const fixLogin = `ecr-vars --registry ${host} --format docker-config --credential-helper (then ${client} asks docker-credential-ecr-vars)`;
      if (found.kind === "none") {
        results.push({
          check,
          status: "fail",
          summary: `no login for this registry in ${files[client].join(", ")}`,
          fix: fixLogin,
          exitCode: 2,
        });
        continue;
      }
      if (found.kind === "unreadable") {
        results.push({
          check,
          status: "fail",
          summary: `${found.file} is unreadable (${found.message})`,
          fix: `fix or move ${found.file}`,
          exitCode: 2,
        });
        continue;
      }
      if (found.kind === "auths") {
        results.push({
          check,
          status: "pass",
          summary: `a stored auths entry in ${found.file} (it expires with its token; docker-config runs refresh it)`,
        });
        continue;
      }
      const path = await findExecutable(found.program, env);
      if (path === undefined) {
        results.push({
          check,
          status: "fail",
          summary: `${found.key} in ${found.file} names ${found.program}, which is not on PATH`,
          fix: `install ${found.program}, or point the entry at ecr-vars: ${fixLogin}`,
          exitCode: 2,
        });
        continue;
      }
      const run = await runProgram(path, ["get"], env, `${host}\n`);
      let answer: Record<string, unknown> | undefined;
      try {
        answer = JSON.parse(run.output) as Record<string, unknown>;
      } catch {
        answer = undefined;
      }
      if (typeof answer?.Secret === "string") onSecret(answer.Secret);
      if (run.code === 0 && typeof answer?.Secret === "string" && answer.Secret !== "") {
        results.push({
          check,
          status: "pass",
          summary: `${found.key} in ${found.file}: ${found.program} answers (user ${String(answer.Username)})`,
        });
      } else {
        results.push({
          check,
          status: "fail",
          summary: `${found.key} in ${found.file}: ${found.program} get failed (exit ${run.code}): ${redact(run.output).split("\n")[0]}`,
          fix: `run: echo ${host} | ${found.program} get — or point the entry at ecr-vars: ${fixLogin}`,
          exitCode: 2,
        });
      }
    }
  }
  return results;
}
