/**
 * Registry-side test support: running the built credential helper as Docker or skopeo would
 * (action in argv, server URL on stdin), and a real `docker-registry` on loopback with htpasswd
 * auth for the end-to-end pushes.
 */

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

export const HELPER = resolve("dist/docker-credential-ecr-vars.cjs");

export interface RunResult {
  readonly code: number;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program with `input` on stdin; never rejects. */
export function runWithInput(
  file: string,
  args: readonly string[],
  input: string,
  env: Record<string, string>,
  cwd?: string,
): Promise<RunResult> {
  return new Promise((done) => {
    const child = execFile(
      file,
      [...args],
      { env, cwd, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        done({ code, signal: error?.signal ?? null, stdout, stderr });
      },
    );
    // A program that refuses an oversized request stops reading it: the rest of the write then
    // fails with EPIPE, which is that program's answer, not an error of the test.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(input);
  });
}

export function runHelper(
  action: string,
  input: string,
  env: Record<string, string>,
): Promise<RunResult> {
  return runWithInput(process.execPath, [HELPER, action], input, env);
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export interface Registry {
  /** `127.0.0.1:PORT` */
  readonly host: string;
  stop(): Promise<void>;
}

/**
 * Starts Debian's `docker-registry` (distribution 2.x) on loopback with one htpasswd user.
 * The password goes to `htpasswd -iB` on stdin, never into argv.
 */
export async function startRegistry(
  dir: string,
  user: string,
  password: string,
): Promise<Registry> {
  const htpasswd = join(dir, "htpasswd");
  const made = await runWithInput("htpasswd", ["-ciB", htpasswd, user], password, {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
  });
  if (made.code !== 0) throw new Error(`htpasswd failed: ${made.stderr}`);
  const port = await freePort();
  const config = join(dir, "registry.yml");
  await writeFile(
    config,
    [
      "version: 0.1",
      "log: { level: warn }",
      `storage: { filesystem: { rootdirectory: ${join(dir, "storage")} }, delete: { enabled: true } }`,
      `http: { addr: "127.0.0.1:${port}" }`,
      `auth: { htpasswd: { realm: ecr-vars-test, path: ${htpasswd} } }`,
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn("docker-registry", ["serve", config], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log += chunk.toString();
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once("exit", done));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${log}`);
    const ok = await fetch(`http://${host}/v2/`).then(
      (response) => response.status === 401,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not start: ${log}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  return { host, stop };
}
