/**
 * The standalone executables `npm run build:exe` wrote to release/, and a PATH without Node for
 * running them as a machine without Node would.
 */

import { existsSync } from "node:fs";
import { mkdir, symlink } from "node:fs/promises";
import { join, resolve } from "node:path";

export const RELEASE = resolve("release");
export const NAMES = [
  "ecr-vars-linux-x64",
  "ecr-vars-linux-arm64",
  "ecr-vars-win-x64.exe",
  "ecr-vars-darwin-x64",
  "ecr-vars-darwin-arm64",
] as const;
export const LINUX_X64 = join(RELEASE, "ecr-vars-linux-x64");

/** Fails with the fix when the executables were not built. */
export function requireRelease(): void {
  for (const name of NAMES) {
    if (!existsSync(join(RELEASE, name))) {
      throw new Error(`release/${name} is missing: run npm run build:exe first`);
    }
  }
}

/**
 * A directory holding `docker-credential-ecr-vars` (a symlink to the linux-x64 executable) and
 * nothing else: as PATH, it gives skopeo and Docker the helper, and no `node`.
 */
export async function helperBin(dir: string): Promise<string> {
  const bin = join(dir, "bin");
  await mkdir(bin, { recursive: true });
  await symlink(LINUX_X64, join(bin, "docker-credential-ecr-vars"));
  return bin;
}
