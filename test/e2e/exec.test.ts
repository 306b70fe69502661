import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type E2eContext, startE2e, tokenOf } from "../support/e2e-harness.js";

const PASSWORD = "exec-e2e-password-0123456789abcdefghijklmn";
const TASK = ["exec", "--region", "eu-west-1"];
let ctx: E2eContext;

beforeAll(async () => {
  ctx = await startE2e({ password: PASSWORD });
});
afterAll(async () => {
  await ctx?.close();
});

const node = (script: string) => ["--", process.execPath, "-e", script];

describe("ecr-vars exec", () => {
  test("the command sees the variables; its output is masked in every derived form", async () => {
    const script = `
      const pw = process.env.CUSTOM_AWS_ECR_PASSWORD;
      process.stdout.write("plain " + pw + "\\n");
      process.stdout.write("auth " + Buffer.from("AWS:" + pw).toString("base64") + "\\n");
      process.stdout.write("json " + JSON.stringify(process.env.CUSTOM_AWS_ECR_CREDENTIALS_JSON_PASSWORD) + "\\n");
      process.stdout.write("url " + encodeURIComponent(pw) + "\\n");
      // one byte at a time, so the secret is split across many reads
      const slow = "split " + pw + "\\n";
      let i = 0;
      const timer = setInterval(() => { process.stderr.write(slow[i++]); if (i === slow.length) clearInterval(timer); }, 0);
      process.stdout.write("host " + process.env.CUSTOM_AWS_ECR_PROXYENDPOINTDOMAIN + "\\n");
    `;
    const result = await ctx.run([...TASK, ...node(script)]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("plain ********\n");
    expect(result.stdout).toContain("auth ********\n");
    expect(result.stdout).toContain("url ********\n");
    expect(result.stdout).toContain("host 123456789012.dkr.ecr.eu-west-1.amazonaws.com\n");
    expect(result.stderr).toContain("split ********\n");
    for (const text of [result.stdout, result.stderr]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(tokenOf(PASSWORD));
    }
  });

  test("the exit code of the command is passed through", async () => {
    const result = await ctx.run([...TASK, ...node("process.exit(7)")]);
    expect(result.code).toBe(7);
  });

  test("a command killed by a signal ends ecr-vars with that signal", async () => {
    const { execFile } = await import("node:child_process");
    const { CLI } = await import("../support/cli.js");
    const outcome = await new Promise<{ signal: string | null }>((done) => {
      execFile(
        process.execPath,
        [CLI, ...TASK, ...node("process.kill(process.pid, 'SIGTERM')")],
        { env: ctx.env() },
        (error) => done({ signal: error?.signal ?? null }),
      );
    });
    expect(outcome.signal).toBe("SIGTERM");
  });

  test("a command that does not exist: 127", async () => {
    const result = await ctx.run([...TASK, "--", "no-such-command-ecr-vars"]);
    expect(result.code).toBe(127);
    expect(result.stderr).toContain("not found");
  });

  test("no command after --: usage error", async () => {
    const result = await ctx.run(TASK);
    expect(result.code).toBe(2);
  });
});

describe("ecr-vars exec streams its command's output", () => {
  test.each([
    ["exec first", [...TASK]],
    ["options before exec", ["--cache", "--region", "eu-west-1", "exec"]],
  ])(
    "%s: a line reaches the reader before the command ends",
    async (_name, args) => {
      const { spawn } = await import("node:child_process");
      const { CLI } = await import("../support/cli.js");
      // The command prints a line, then waits until the file it names exists: the test creates it
      // only after reading that line, so output held back until the command ends never arrives.
      const go = ctx.path(`go-${args[0]}`);
      const script = `process.stdout.write("ready\\n"); const t = setInterval(() => { if (require("node:fs").existsSync(${JSON.stringify(go)})) { clearInterval(t); process.stdout.write("done\\n"); } }, 20);`;
      const child = spawn(process.execPath, [CLI, ...args, ...node(script)], {
        env: ctx.env({ ECR_VARS_CACHE_DIR: ctx.path("exec-stream-cache") }),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      const { writeFile } = await import("node:fs/promises");
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("ready\n")) void writeFile(go, "");
      });
      const code = await new Promise<number | null>((done) => child.on("exit", done));
      expect(code).toBe(0);
      expect(stdout).toBe("ready\ndone\n");
    },
    20_000,
  );
});
