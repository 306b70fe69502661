/** A small OCI image built locally with umoci: one layer holding one file. */

import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Builds `oci:<dir>/image:latest` and returns that skopeo reference. */
export async function buildImage(dir: string, content: string): Promise<string> {
  const layout = join(dir, "image");
  const bundle = join(dir, "bundle");
  await run("umoci", ["init", "--layout", layout]);
  await run("umoci", ["new", "--image", `${layout}:latest`]);
  await run("umoci", ["unpack", "--rootless", "--image", `${layout}:latest`, bundle]);
  await mkdir(join(bundle, "rootfs", "etc"), { recursive: true });
  await writeFile(join(bundle, "rootfs", "etc", "ecr-vars-test.txt"), content);
  await run("umoci", ["repack", "--image", `${layout}:latest`, bundle]);
  await run("umoci", ["config", "--image", `${layout}:latest`, "--config.cmd", "/bin/true"]);
  return `oci:${layout}:latest`;
}
