/**
 * A reader of stderr that went away (`ecr-vars ... 2>&1 >out | head -0`, a CI log pipe that
 * closed) is not a failure of the run: the exit status is the run's own, never the internal
 * error's 1, and stdout still gets everything. The built bin, stderr a pipe whose reader has
 * ended before ecr-vars writes to it.
 */

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CLI } from "../support/cli.js";
import { type E2eContext, startE2e } from "../support/e2e-harness.js";

let ctx: E2eContext;
beforeAll(async () => {
  ctx = await startE2e();
});
afterAll(() => ctx.close());

/**
 * Runs the bin with stderr into `true`, which has ended (the `sleep` makes sure) before the bin
 * starts: every write to stderr meets EPIPE. Prints stdout, then the bin's status on fd 3's line.
 */
const SCRIPT = `
exec 3>&1
{ sleep 0.3; "$0" "$@" 2>&1 1>&3; echo "status $?" >&3; } | true
`;

describe("stderr closed by its reader", () => {
  test.each([
    [
      "a run that succeeds",
      ["--region", "eu-west-1", "--format", "json"],
      0,
      /"custom\.aws\.ecr\.password"/,
    ],
    ["bad usage", ["--regoin", "eu-west-1"], 2, /^$/],
    [
      "an AWS failure",
      [
        "--registry-id",
        "000000000000",
        "--region",
        "eu-west-1",
        "--format",
        "json",
        "--timeout",
        "2",
      ],
      4,
      /^$/,
    ],
    [
      "exec: the command's status",
      ["exec", "--region", "eu-west-1", "--", "sh", "-c", "echo out; echo err >&2; exit 7"],
      7,
      /^out\n$/,
    ],
  ])("%s", async (_name, args, status, stdout) => {
    if (status === 4)
      ctx.emu.failNext("GetAuthorizationToken", { status: 400, code: "AccessDeniedException" });
    const { stdout: printed } = await promisify(execFile)(
      "bash",
      ["-c", SCRIPT, process.execPath, CLI, ...args],
      { env: ctx.env(), cwd: ctx.dir, encoding: "utf8" },
    );
    const lines = printed.split("\n");
    const statusLine = lines.findLast((line) => line.startsWith("status ")) ?? "";
    expect(statusLine).toBe(`status ${status}`);
    expect(printed.slice(0, printed.lastIndexOf("status "))).toMatch(stdout);
  });
});
