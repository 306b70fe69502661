import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let dir: string;
let script: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ecr-vars-emulator-bin-"));
  script = join(dir, "emulator.mjs");
  await build({
    entryPoints: ["src/emulator/bin.ts"],
    outfile: script,
    bundle: true,
    format: "esm",
    platform: "node",
    logLevel: "silent",
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runToEnd(args: readonly string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--", script, ...args],
      { timeout: 10_000 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
  });
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("\n")) resolve(text);
    });
    child.once("exit", () => reject(new Error(`exited early: ${text}`)));
  });
}

describe("ecr-vars-emulator", () => {
  it("--help and --version (and -V) answer on stdout with exit 0", async () => {
    const help = await runToEnd(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("-V, --version");
    // Node claims --env-file on its own command line before the program starts: not offered.
    expect(help.stdout).toContain("--env-out PATH");
    expect(help.stdout).not.toContain("--env-file");
    for (const flag of ["--version", "-V"]) {
      // Built here without the build's version define: the development version.
      expect(await runToEnd([flag])).toEqual({ code: 0, stdout: "0.0.0-dev\n", stderr: "" });
    }
  });

  it("writes a 0600 env file, prints only the URL, and stops on SIGTERM", async () => {
    const envFile = join(dir, "emulator.env");
    const child = spawn(process.execPath, [
      "--",
      script,
      "--env-out",
      envFile,
      "--region",
      "eu-west-1",
    ]);
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const line = await firstLine(child);
    const url = /^ecr-vars emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(line)?.[1];
    expect(url).toBeDefined();
    const env = Object.fromEntries(
      (await readFile(envFile, "utf8"))
        .trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    expect(Object.keys(env)).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_ENDPOINT_URL",
      "AWS_EC2_METADATA_SERVICE_ENDPOINT",
      "AWS_REGION",
    ]);
    expect(env.AWS_ENDPOINT_URL).toBe(url);
    expect(env.AWS_REGION).toBe("eu-west-1");
    expect((await stat(envFile)).mode & 0o777).toBe(0o600);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stdout).toBe("");
    expect(line).not.toContain(env.AWS_SECRET_ACCESS_KEY);
  });

  it.each([
    ["a non-loopback host", ["--host", "0.0.0.0"], "not a loopback address"],
    ["an unknown option", ["--bogus"], "Unknown option"],
    ["a bad port", ["--port", "http"], "not a port number"],
    ["a missing password file", ["--password-file", "/nonexistent/pw"], "cannot read"],
  ])("exits 2 on %s without a stack trace", async (_name, args, text) => {
    const run = await runToEnd(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(text);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
