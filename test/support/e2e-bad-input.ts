/** Shared by the bad-input e2e tests: the case shape, connector fixtures and the common checks. */

import { expect } from "vitest";
import { type E2eContext, expectNoSecrets, expectNoStack } from "./e2e-harness.js";

export const ID_A = "0b7e8f52-5a0e-4c4e-9d1a-2f3c4d5e6f70";
export const ID_B = "7d2c1b0a-9e8f-4a6b-8c5d-4e3f2a1b0c9d";
/** A long-term secret written literally into a connectors file: must never be echoed. */
export const LITERAL_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
export const R = ["--region", "eu-west-1"] as const;

export const accessKeys = (id: string, name: string, secret = "${env.CI_SECRET}") => ({
  id,
  name,
  type: "access-keys",
  accessKeyId: "AKIAEXAMPLE000000000",
  secretAccessKey: secret,
});
export const assumeRole = (id: string, name: string, base: string) => ({
  id,
  name,
  type: "assume-role",
  base,
  roleArn: "arn:aws:iam::123456789012:role/ecr-push",
});
export const connectorsJson = (...connectors: unknown[]) => JSON.stringify({ connectors });

export interface BadCase {
  readonly name: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  /** The first line after `ecr-vars: error: `. */
  readonly error: string | RegExp;
  /** A line that names the field and says what is wrong. */
  readonly field: string | RegExp;
}

function matches(line: string, expected: string | RegExp): boolean {
  return typeof expected === "string" ? line === expected : expected.test(line);
}

/** Exit 2, one error line, a line naming the field, no stack, no secret, nothing sent to AWS. */
export async function expectBadInput(ctx: E2eContext, c: BadCase): Promise<void> {
  const from = ctx.emu.requests.length;
  const result = await ctx.run(c.args, c.env);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe("");
  const lines = result.stderr.split("\n");
  expect(lines.filter((l) => l.startsWith("ecr-vars: error:"))).toHaveLength(1);
  expect(lines[0]?.startsWith("ecr-vars: error: "), lines[0]).toBe(true);
  const first = (lines[0] ?? "").replace(/^ecr-vars: error: /, "");
  expect(matches(first, c.error), `first line: ${lines[0]}`).toBe(true);
  expect(
    lines.some((line) => matches(line, c.field)),
    `no line matching ${c.field} in:\n${result.stderr}`,
  ).toBe(true);
  expectNoStack(result.stderr);
  expectNoSecrets(result.stderr, [LITERAL_SECRET, ctx.emu.defaultUser.secretAccessKey]);
  expect(ctx.emu.requests.slice(from)).toEqual([]);
}
