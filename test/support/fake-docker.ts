/**
 * A stand-in `docker` CLI for machines without a Docker daemon: an executable on PATH that records
 * every call's argv and stdin (one JSON line each) and answers like docker's login/logout.
 */

import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface DockerCall {
  readonly argv: string[];
  readonly stdin: string;
}

export interface FakeDocker {
  /** The directory to put first on PATH. */
  readonly bin: string;
  calls(): Promise<DockerCall[]>;
}

export async function fakeDocker(dir: string): Promise<FakeDocker> {
  const bin = join(dir, "fake-docker-bin");
  const log = join(dir, "fake-docker.log");
  await mkdir(bin, { recursive: true });
  await writeFile(log, "");
  const script = `#!${process.execPath}
const fs = require("node:fs");
const argv = process.argv.slice(2);
const chunks = [];
process.stdin.on("data", (c) => chunks.push(c));
process.stdin.on("end", () => {
  const stdin = Buffer.concat(chunks).toString("utf8");
  fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv, stdin }) + "\\n");
  if (argv[0] === "login") {
    if (!argv.includes("--password-stdin") || stdin === "") {
      process.stderr.write("Error: Cannot perform an interactive login from a non TTY device\\n");
      process.exit(1);
    }
    process.stdout.write("Login Succeeded\\n");
  } else if (argv[0] === "logout") {
    process.stdout.write("Removing login credentials for " + argv[argv.length - 1] + "\\n");
  }
});
`;
  await writeFile(join(bin, "docker"), script);
  await chmod(join(bin, "docker"), 0o755);
  return {
    bin,
    calls: async () =>
      (await readFile(log, "utf8"))
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as DockerCall),
  };
}
