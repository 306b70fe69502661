import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { envName } from "../../src/core/names.js";
import type { Variable } from "../../src/core/variables.js";
import { cmd, dotenv, json, powershell, sh } from "../../src/emit/index.js";
import {
  AWKWARD_PASSWORD,
  ECR_PASSWORD,
  ecrVariables,
  OPTIONS,
  variable,
} from "../support/emit-fixtures.js";
import { readCmd, readDotenv, readPowerShell } from "../support/emit-readers.js";

const awkward = ecrVariables(AWKWARD_PASSWORD);

/** Values that stress one quoting rule each, on top of the full awkward password. */
const NASTY = [
  "",
  "'",
  "''",
  "\\",
  "\\'",
  "-n",
  "a\n\n",
  "\r\n",
  "\x01\x7f",
  "$'x'",
  "\u2018\u2019\u201a\u201b",
  "\u{1f4a5}",
  "  ",
];

function expectedEnv(variables: readonly Variable[]): Map<string, string> {
  return new Map(variables.map((v) => [envName(v.name, OPTIONS.envNaming), v.value]));
}

describe("sh, evaluated by real shells", () => {
  const dir = mkdtempSync(join(tmpdir(), "ecr-vars-emit-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, Variable[]]> = [
    ["the awkward password", awkward],
    ...NASTY.map((value): [string, Variable[]] => [JSON.stringify(value), [variable(value)]]),
  ];

  describe.each(["bash", "sh"])("%s", (shell) => {
    test.each(cases)("reads back %s exactly", (_case, variables) => {
      const file = join(dir, `${shell}-${Math.random().toString(36).slice(2)}.sh`);
      writeFileSync(file, sh.render(variables, OPTIONS).text);
      for (const [name, value] of expectedEnv(variables)) {
        // The file path and the name travel as arguments; only the rendered text is evaluated.
        const output = execFileSync(shell, [
          "-c",
          'set -eu; eval "$(cat "$1")"; eval "printf %s \\"\\$$2\\""',
          "sh",
          file,
          name,
        ]);
        expect(output.equals(Buffer.from(value, "utf8")), name).toBe(true);
      }
    });
  });
});

describe("dotenv, read by the rules of the npm package and of python-dotenv", () => {
  // Each of these needs a different spelling; all must come back unchanged in both dialects.
  const values = [
    ECR_PASSWORD,
    "",
    " leading and trailing ",
    "it's",
    "a\nb\r\nc",
    '{"json":"with spaces and #"}',
    "$HOME $" + "{HOME} `id` $(id)",
    "back\\slash",
    "\u{1f4a5} \u00e9\t\u2028",
    "\\n stays",
  ];

  test.each(["npm", "python"] as const)(
    "%s dialect reads back every spelling exactly",
    (dialect) => {
      const variables = values.map((value, index) => variable(value, `custom.aws.ecr.v${index}`));
      expect(readDotenv(dotenv.render(variables, OPTIONS).text, dialect)).toEqual(
        expectedEnv(variables),
      );
    },
  );

  test.each(["npm", "python"] as const)(
    "%s dialect reads back a normal registry exactly",
    (dialect) => {
      const variables = ecrVariables(ECR_PASSWORD);
      expect(readDotenv(dotenv.render(variables, OPTIONS).text, dialect)).toEqual(
        expectedEnv(variables),
      );
    },
  );
});

describe("powershell, read by its literal rules", () => {
  test.each([
    ["the awkward password", awkward],
    ...NASTY.map((value): [string, Variable[]] => [JSON.stringify(value), [variable(value)]]),
  ])("reads back %s exactly", (_case, variables) => {
    expect(readPowerShell(powershell.render(variables, OPTIONS).text)).toEqual(
      expectedEnv(variables),
    );
  });
});

describe("cmd, read by the batch parser's rules", () => {
  // The awkward password without what cmd cannot carry: line breaks, `!` and non-ASCII.
  const cmdAwkward = Array.from(AWKWARD_PASSWORD)
    .filter((c) => c !== "\n" && c !== "!" && c <= "\x7f")
    .join("");

  test.each([
    ["a normal registry", ecrVariables(ECR_PASSWORD)],
    ["the awkward password without line breaks, ! and non-ASCII", ecrVariables(cmdAwkward)],
    ...[
      '"',
      '""',
      '"&"',
      'a"b&c"d|e"<f>',
      "^",
      "^^&",
      "%",
      "%%",
      "%1",
      "%PATH%",
      "(x)",
      "\ttab",
      "",
    ].map((value): [string, Variable[]] => [JSON.stringify(value), [variable(value)]]),
  ])("reads back %s exactly", (_case, variables) => {
    expect(readCmd(cmd.render(variables, OPTIONS).text)).toEqual(expectedEnv(variables));
  });

  test("refuses the full awkward password", () => {
    expect(() => cmd.render(awkward, OPTIONS)).toThrow(/UNREPRESENTABLE|cannot represent/);
  });
});

describe("json", () => {
  test("parses back to the full names and values", () => {
    const parsed: unknown = JSON.parse(json.render(awkward, OPTIONS).text);
    expect(parsed).toEqual(Object.fromEntries(awkward.map((v) => [v.name, v.value])));
  });

  test("keeps a lone surrogate, which JSON can escape", () => {
    const value = "a\ud800b";
    const text = json.render([variable(value)], OPTIONS).text;
    expect(text).toContain("\\ud800");
    expect(JSON.parse(text)).toEqual({ "custom.aws.ecr.password": value });
  });
});
