/**
 * Read-merge-write of a Docker `config.json` / containers `auth.json` under a cross-process lock,
 * so that parallel jobs adding different registries lose none of each other's entries. The merge
 * itself is the pure `merge` of the `docker-config` format.
 */

import { constants } from "node:fs";
import { lstat, mkdir } from "node:fs/promises";
import { dirname, join, win32 } from "node:path";
import { EcrVarsError } from "../core/errors.js";
import type { Env } from "../core/expressions.js";
import { describeSize, LIMITS, readBounded } from "./bounded-read.js";
import { homeDir } from "./home.js";
import { withFileLock } from "./lock.js";
import { notRegularFile, writeSecretFile } from "./write-file.js";

/**
 * The file clients read when none is named: `REGISTRY_AUTH_FILE` (podman, buildah, skopeo), else
 * `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. Docker reads only the latter two,
 * the containers tools read all three.
 */
export function defaultDockerConfigPath(env: Env): string {
  if (env.REGISTRY_AUTH_FILE) return env.REGISTRY_AUTH_FILE;
  if (env.DOCKER_CONFIG) return join(env.DOCKER_CONFIG, "config.json");
  return join(homeDir(env), ".docker", "config.json");
}

/** The clients whose own auth file `authFilePath` knows (docs/clients.md). */
export type AuthFileClient = "docker" | "helm" | "kaniko";

/** Where kaniko's executor image reads registry logins when DOCKER_CONFIG is unset. */
export const KANIKO_CONFIG = "/kaniko/.docker/config.json";

/**
 * The file `client` reads its registry logins from (docs/clients.md):
 * - `docker`: `defaultDockerConfigPath` (Docker, podman, buildah, skopeo);
 * - `helm`: `HELM_REGISTRY_CONFIG`, else `registry/config.json` under Helm's configuration
 *   directory: `HELM_CONFIG_HOME`, else `$XDG_CONFIG_HOME/helm`, else the platform's
 *   (`~/.config/helm`, macOS `~/Library/Preferences/helm`, Windows `%APPDATA%\helm`);
 * - `kaniko`: `$DOCKER_CONFIG/config.json` (the executor image sets `DOCKER_CONFIG=/kaniko/.docker/`),
 *   else `/kaniko/.docker/config.json`.
 */
export function authFilePath(
  client: AuthFileClient,
  env: Env,
  platform: NodeJS.Platform = process.platform,
): string {
  switch (client) {
    case "docker":
      return defaultDockerConfigPath(env);
    case "kaniko":
      return env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, "config.json") : KANIKO_CONFIG;
    case "helm": {
      if (env.HELM_REGISTRY_CONFIG) return env.HELM_REGISTRY_CONFIG;
      const path = platform === "win32" ? win32.join : join;
      const file = ["registry", "config.json"] as const;
      if (env.HELM_CONFIG_HOME) return path(env.HELM_CONFIG_HOME, ...file);
      if (env.XDG_CONFIG_HOME) return path(env.XDG_CONFIG_HOME, "helm", ...file);
      if (platform === "win32" && env.APPDATA) return path(env.APPDATA, "helm", ...file);
      const home = homeDir(env);
      if (platform === "darwin") return path(home, "Library", "Preferences", "helm", ...file);
      return path(home, ".config", "helm", ...file);
    }
  }
}

/**
 * Reads the file (undefined when missing), refusing a symlink, anything but a regular file (a FIFO
 * would block, a device never ends) and a file larger than LIMITS.authFile.
 */
export async function readConfigText(path: string): Promise<string | undefined> {
  try {
    // O_NOFOLLOW: a link planted at the path must not make us merge someone else's file.
    return await readBounded(path, LIMITS.authFile, {
      regularOnly: true,
      flags: constants.O_NOFOLLOW,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "EISDIR" || code === "ENOTREG") throw notRegularFile(path, code === "EISDIR");
    throw new EcrVarsError({
      kind: "output",
      code:
        code === "ELOOP"
          ? "OUTPUT_IS_SYMLINK"
          : code === "EFBIG"
            ? "OUTPUT_TOO_LARGE"
            : "OUTPUT_NOT_WRITTEN",
      message:
        code === "ELOOP"
          ? `refusing to update ${path}: it is a symbolic link`
          : code === "EFBIG"
            ? `refusing to update ${path}: it is larger than ${describeSize(LIMITS.authFile)}, far more than an auth file holds`
            : `cannot read ${path}: ${code ?? "read failed"}`,
      hint: "point --output at a regular file this user can read and write",
      cause: error,
    });
  }
}

/**
 * Applies `update` to the file's current text and writes the result atomically (0600), all under
 * the file's lock. `createDirectory` makes a missing parent directory with mode 0700.
 */
export async function updateConfigFile<T extends { readonly text: string }>(
  path: string,
  update: (existing: string | undefined) => T,
  options: { readonly createDirectory?: boolean } = {},
): Promise<T> {
  if (options.createDirectory) await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Refused before taking the lock: nothing to wait for, nothing left behind.
  const existing = await lstat(path).catch(() => undefined);
  if (existing !== undefined && !existing.isFile() && !existing.isSymbolicLink()) {
    throw notRegularFile(path, existing.isDirectory());
  }
  return withFileLock(path, async () => {
    const result = update(await readConfigText(path));
    await writeSecretFile(path, result.text);
    return result;
  });
}
