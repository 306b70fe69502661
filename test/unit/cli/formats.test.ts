/**
 * Every output format, produced by the CLI (in-process, through `CliIo`) from a real (emulated) ECR
 * answer and read back by
 * its consumer's rules: bash for sh, JSON.parse, the dotenv/PowerShell/cmd readers, and a
 * java.util.Properties reader for bamboo.
 */

import { execFileSync } from "node:child_process";
import { access, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type E2eContext,
  envNameOf,
  expectedValues,
  expectNoSecrets,
  expectNoStack,
  modeOf,
  RELATIVE_NAMES,
  startInProcess,
} from "../../support/e2e-harness.js";
import { readProperties } from "../../support/e2e-properties.js";
import { readCmd, readDotenv, readPowerShell } from "../../support/emit-readers.js";

/** Quotes of every kind, shell and batch metacharacters, backslashes, a space, non-ASCII. */
const AWKWARD = "p'a\"s$s`w\\o\\\\rd = : # %X% \u00e9\u{1f4a5}";
/** dotenv needs quotes for JSON values, so no `'` and no backslash (see src/emit/dotenv.ts). */
const DOTENV_SAFE = 'p"a$s s#w%X% = : \u00e9\u{1f4a5}';
/** cmd reads batch files in the console code page: ASCII only, no `!`. */
const CMD_SAFE = "p'a\"s$s`w\\o\\\\rd = : # %X% ^&|<>()";

let ctx: E2eContext;
beforeAll(async () => {
  ctx = await startInProcess();
});
afterAll(() => ctx.close());

/** Runs the CLI with the emulator answering `password`; output to stdout unless args say so. */
async function fetch(password: string, args: readonly string[], env: Record<string, string> = {}) {
  ctx.emu.setPassword(password);
  const result = await ctx.run(["--region", "eu-west-1", ...args], env);
  expect(result.stderr.startsWith("ecr-vars: error"), result.stderr).toBe(false);
  expect(result.code).toBe(0);
  expectNoSecrets(result.stderr, [password]);
  return result;
}

/** Expected environment values: env name -> value (upper-case names without a prefix). */
function expectedEnv(password: string, namespace = "custom.aws", prefix?: string) {
  return new Map(
    [...expectedValues(password)].map(([relative, value]) => [
      envNameOf(relative, namespace, prefix),
      value,
    ]),
  );
}

/** Evaluates sh text in bash and reads back each named variable exactly (NUL-separated). */
function evalInBash(file: string, names: readonly string[]): Map<string, string> {
  const output = execFileSync("bash", [
    "-c",
    'set -eu; eval "$(cat "$1")"; shift; for n in "$@"; do printf "%s\\0" "${!n}"; done',
    "bash",
    file,
    ...names,
  ]).toString("utf8");
  const values = output.split("\0").slice(0, -1);
  return new Map(names.map((name, index) => [name, values[index] ?? "<missing>"]));
}

describe("sh", () => {
  const BAMBOO = { bamboo_buildKey: "P-J-1" };
  const cases: Array<[string, string[], Record<string, string>, string, string | undefined]> = [
    ["upper case outside Bamboo", [], {}, "custom.aws", undefined],
    ["bamboo_ in Bamboo", [], BAMBOO, "custom.aws", "bamboo_"],
    ["--env-prefix ''", ["--env-prefix", ""], {}, "custom.aws", ""],
    ["--env-prefix CI_ in Bamboo", ["--env-prefix", "CI_"], BAMBOO, "custom.aws", "CI_"],
    [
      "--env-prefix bamboo_ outside Bamboo",
      ["--env-prefix", "bamboo_"],
      {},
      "custom.aws",
      "bamboo_",
    ],
    ["--namespace my.team", ["--namespace", "my.team"], {}, "my.team", undefined],
    ["--namespace my.team in Bamboo", ["--namespace", "my.team"], BAMBOO, "my.team", "bamboo_"],
  ];
  test.each(cases)(
    "%s: bash reads back all seven variables exactly",
    async (label, args, env, ns, prefix) => {
      const file = ctx.path(`sh-${label.replace(/\W+/g, "-")}.sh`);
      const result = await fetch(AWKWARD, ["--format", "sh", "--output", file, ...args], env);
      expect(result.stdout).toBe("");
      const expected = expectedEnv(AWKWARD, ns, prefix);
      expect(evalInBash(file, [...expected.keys()])).toEqual(expected);
      const text = await readFile(file, "utf8");
      expect(text.split("\n").filter((l) => l !== "")).toHaveLength(7);
    },
  );

  test("the password, printed by the issue's one-liner, is byte-exact", async () => {
    const file = ctx.path("issue.sh");
    await fetch(AWKWARD, ["--format", "sh", "--output", file]);
    const printed = execFileSync("bash", [
      "-c",
      'eval "$(cat "$1")"; printf %s "$CUSTOM_AWS_ECR_PASSWORD"',
      "bash",
      file,
    ]);
    expect(printed.equals(Buffer.from(AWKWARD, "utf8"))).toBe(true);
  });

  test("credentials.json.password holds the six values under their keys", async () => {
    const file = ctx.path("json-in-sh.sh");
    await fetch(AWKWARD, ["--format", "sh", "--output", file]);
    const name = "CUSTOM_AWS_ECR_CREDENTIALS_JSON_PASSWORD";
    const parsed = JSON.parse(evalInBash(file, [name]).get(name) ?? "");
    expect(parsed).toEqual({
      authorizationToken: Buffer.from(`AWS:${AWKWARD}`).toString("base64"),
      expirationDate: "2031-05-06T07:08:09Z",
      proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      proxyEndpointDomain: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      username: "AWS",
      password: AWKWARD,
    });
  });

  test("an expiry set on the emulator is rendered as ISO-8601 UTC with seconds", async () => {
    ctx.emu.setExpiresAt(new Date("2030-01-02T03:04:05.678Z"));
    try {
      const result = await fetch(AWKWARD, ["--format", "sh"]);
      expect(result.stdout).toContain(
        "export CUSTOM_AWS_ECR_EXPIRATIONDATE='2030-01-02T03:04:05Z'\n",
      );
    } finally {
      ctx.emu.setExpiresAt(new Date("2031-05-06T07:08:09.000Z"));
    }
  });
});

describe("json", () => {
  test("one object of full names to exact values, on stdout", async () => {
    const result = await fetch(AWKWARD, ["--format", "json"]);
    const expected = Object.fromEntries(
      [...expectedValues(AWKWARD)].map(([relative, value]) => [`custom.aws.${relative}`, value]),
    );
    expect(JSON.parse(result.stdout)).toEqual(expected);
  });

  test("--namespace my.team renames every key", async () => {
    const result = await fetch(AWKWARD, ["--format", "json", "--namespace", "my.team"]);
    expect(Object.keys(JSON.parse(result.stdout))).toEqual(
      RELATIVE_NAMES.map((relative) => `my.team.${relative}`),
    );
  });
});

describe("dotenv, powershell and cmd round trips", () => {
  const cases: Array<[string, string, (text: string) => Map<string, string>]> = [
    ["dotenv (npm dotenv rules)", DOTENV_SAFE, (text) => readDotenv(text, "npm")],
    ["dotenv (python-dotenv rules)", DOTENV_SAFE, (text) => readDotenv(text, "python")],
    ["powershell", AWKWARD, readPowerShell],
    ["cmd", CMD_SAFE, readCmd],
  ];
  test.each(cases)("%s reads back all seven variables exactly", async (label, password, read) => {
    const format = label.split(" ")[0] ?? "";
    const result = await fetch(password, ["--format", format]);
    expect(read(result.stdout)).toEqual(expectedEnv(password));
  });

  test("--env-prefix CI_ with powershell names $Env:CI_custom_aws_ecr_password", async () => {
    const result = await fetch(AWKWARD, ["--format", "powershell", "--env-prefix", "CI_"]);
    expect(readPowerShell(result.stdout)).toEqual(expectedEnv(AWKWARD, "custom.aws", "CI_"));
  });
});

describe("values a format cannot carry are refused, not corrupted", () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      "dotenv",
      AWKWARD,
      /the dotenv format cannot represent the value of custom\.aws\.ecr\.password exactly/,
    ],
    [
      "cmd",
      AWKWARD,
      /the cmd format cannot represent the value of custom\.aws\.ecr\.password exactly: it contains non-ASCII characters/,
    ],
    [
      "cmd",
      "pass!word-with-bang",
      /the cmd format cannot represent the value of custom\.aws\.ecr\.password exactly: it contains '!'/,
    ],
  ];
  test.each(cases)(
    "%s refuses %j: exit 5, names the variable, writes nothing",
    async (format, password, message) => {
      ctx.emu.setPassword(password);
      const file = ctx.path(`refused-${format}-${password.length}.txt`);
      const result = await ctx.run(["--region", "eu-west-1", "--format", format, "--output", file]);
      expect(result.code).toBe(5);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(/^ecr-vars: error: /);
      expect(result.stderr).toMatch(message);
      expectNoSecrets(result.stderr, [password]);
      expectNoStack(result.stderr);
      await expect(access(file)).rejects.toThrow(/ENOENT/);
    },
  );
});

describe("bamboo", () => {
  test.each([
    ["local", [], "LOCAL"],
    ["result", ["--scope", "result"], "RESULT"],
  ])(
    "scope %s: a 0600 .properties file with namespace-relative keys and the Inject settings",
    async (_scope, args, shown) => {
      const file = ctx.path(`ecr-${shown}.properties`);
      const result = await fetch(AWKWARD, ["--format", "bamboo", "--output", file, ...args]);
      expect(result.stdout).toBe("");
      expect(await modeOf(file)).toBe(0o600);
      const text = await readFile(file, "utf8");
      expect(text).toMatch(/^ecr\.password=/m);
      expect(readProperties(text)).toEqual(expectedValues(AWKWARD));
      const lines = result.stderr.split("\n");
      expect(lines).toContain('Use an "Inject Bamboo variables" task with these settings:');
      expect(lines).toContain(`  Path to properties file: ${file}`);
      expect(lines).toContain("  Namespace: custom.aws");
      expect(lines).toContain(`  Scope of the variables: ${shown}`);
    },
  );

  test("--namespace my.team keeps keys relative and shows the namespace to configure", async () => {
    const file = ctx.path("team.properties");
    const result = await fetch(AWKWARD, [
      "--format",
      "bamboo",
      "--output",
      file,
      "--namespace",
      "my.team",
    ]);
    expect([...readProperties(await readFile(file, "utf8")).keys()]).toEqual([...RELATIVE_NAMES]);
    expect(result.stderr.split("\n")).toContain("  Namespace: my.team");
  });

  test("without --output the file goes to ecr-vars.properties, never to the log", async () => {
    const result = await fetch(AWKWARD, ["--format", "bamboo"]);
    expect(result.stdout).toBe("");
    const file = ctx.path("ecr-vars.properties");
    expect(await modeOf(file)).toBe(0o600);
    expect(readProperties(await readFile(file, "utf8"))).toEqual(expectedValues(AWKWARD));
    expect(result.stderr.split("\n")).toContain("  Path to properties file: ecr-vars.properties");
  });
});
