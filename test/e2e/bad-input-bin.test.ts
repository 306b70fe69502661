/**
 * Bad input through the built bin, a few cases of each table of test/unit/cli/ (which run the
 * same code in-process): the process's exit status is 2, one error line, the field named, no
 * stack trace, no secret, nothing sent to AWS.
 */
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, test } from "vitest";
import { expectBadInput, R } from "../support/e2e-bad-input.js";
import { type E2eContext, startE2e } from "../support/e2e-harness.js";

let ctx: E2eContext;
beforeAll(async () => {
  ctx = await startE2e();
  await writeFile(ctx.path("unknown-key.yml"), "region: eu-west-1\nregoin: eu-west-2\n");
});
afterAll(() => ctx.close());

describe("through the bin", () => {
  test.each([
    {
      name: "unknown flag",
      args: ["--regoin", "eu-west-1"],
      error: "unknown option --regoin",
      field: "  fix: did you mean --region? (see ecr-vars --help)",
    },
    {
      name: "bad region",
      args: ["--region", "eu-west-99x"],
      error: "invalid configuration",
      field: /^ {2}--region: "eu-west-99x" is not an AWS region code/,
    },
    {
      name: "--timeout below the minimum",
      args: [...R, "--timeout", "0.001"],
      error: "invalid options",
      field: /^ {2}--timeout: 0\.001 is less than the minimum of 1 second/,
    },
    {
      name: "task file with a mistyped key",
      args: ["--task", "unknown-key.yml"],
      error: "invalid configuration",
      field: /^ {2}unknown-key\.yml:2: .*unknown key "regoin" \(fix: did you mean "region"\?\)$/,
    },
  ])("$name", (c) => expectBadInput(ctx, c));
});
