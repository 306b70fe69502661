import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { constants } from "node:os";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CLI } from "../support/cli.js";
import { type E2eContext, startE2e } from "../support/e2e-harness.js";

const TASK = ["exec", "--region", "eu-west-1", "-q", "--"];
let ctx: E2eContext;

beforeAll(async () => {
  ctx = await startE2e();
});
afterAll(async () => {
  await ctx?.close();
});

/** Runs `ecr-vars exec -- sh -c SCRIPT`; how ecr-vars itself ended. */
function execSh(script: string): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...TASK, "sh", "-c", script],
      { env: ctx.env(), cwd: ctx.dir, timeout: 60_000 },
      (error) =>
        done({
          code: error === null ? 0 : typeof error.code === "number" ? error.code : null,
          signal: error?.signal ?? null,
        }),
    );
  });
}

const number = (signal: string) =>
  (constants.signals as Record<string, number | undefined>)[signal] ?? Number.NaN;

// Signals whose default action dumps core, and SIGUSR1, which starts Node's inspector.
const NOT_RERAISED = [
  "SIGSEGV",
  "SIGABRT",
  "SIGQUIT",
  "SIGBUS",
  "SIGFPE",
  "SIGILL",
  "SIGTRAP",
  "SIGSYS",
  "SIGXCPU",
  "SIGXFSZ",
  "SIGUSR1",
];
const RERAISED = ["SIGTERM", "SIGINT", "SIGHUP"];

describe("exec: how a command ended by a signal ends ecr-vars", () => {
  test.each(NOT_RERAISED)(
    "before: %s was re-raised on ecr-vars (a core dump holding every secret, or the inspector); now exit 128+n",
    async (signal) => {
      const outcome = await execSh(`kill -${signal.slice(3)} $$`);
      expect(outcome).toEqual({ code: 128 + number(signal), signal: null });
    },
  );

  test.each(RERAISED)("%s is raised again on ecr-vars, as a shell reports it", async (signal) => {
    const outcome = await execSh(`kill -${signal.slice(3)} $$`);
    expect(outcome).toEqual({ code: null, signal });
  });
});

describe("SIGUSR1 sent to ecr-vars", () => {
  test("before: started the Node inspector while ecr-vars held the secrets; now it is ignored", async () => {
    const go = ctx.path("go");
    const child = spawn(
      process.execPath,
      [
        CLI,
        ...TASK,
        "sh",
        "-c",
        `echo ready; while [ ! -e '${go}' ]; do sleep 0.05; done; echo done`,
      ],
      { env: ctx.env(), cwd: ctx.dir },
    );
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("ready")) resolve();
      }),
    );
    child.kill("SIGUSR1");
    // The inspector announces itself on stderr within milliseconds when it starts.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await writeFile(go, "");
    const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(status).toBe(0);
    expect(stdout).toBe("ready\ndone\n");
    expect(stderr).not.toContain("Debugger listening");
    expect(existsSync(go)).toBe(true);
  });
});
