/**
 * Bad task files and connectors files (exit 2): the message names the file, the field and, for
 * YAML, the line; a literal secret is refused without being echoed.
 */

import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, test } from "vitest";
import {
  accessKeys,
  assumeRole,
  type BadCase,
  connectorsJson,
  expectBadInput,
  ID_A,
  ID_B,
  LITERAL_SECRET,
  R,
} from "../../support/e2e-bad-input.js";
import { type E2eContext, startInProcess } from "../../support/e2e-harness.js";

/** Files written into the run's working directory before the cases run. */
const FILES: Record<string, string> = {
  "good.json": connectorsJson(accessKeys(ID_A, "ci-user")),
  "literal.json": connectorsJson(accessKeys(ID_A, "ci-user", LITERAL_SECRET)),
  "literal.yml": `connectors:
  - id: ${ID_A}
    name: ci-user
    type: access-keys
    accessKeyId: AKIAEXAMPLE000000000
    secretAccessKey: ${LITERAL_SECRET}
`,
  "dup-id.json": connectorsJson(accessKeys(ID_A, "ci-user"), accessKeys(ID_A, "other")),
  "dup-name.json": connectorsJson(accessKeys(ID_A, "ci-user"), accessKeys(ID_B, "ci-user")),
  "cycle.json": connectorsJson(assumeRole(ID_A, "a", "b"), assumeRole(ID_B, "b", ID_A)),
  "no-base.json": connectorsJson(assumeRole(ID_A, "a", "nowhere")),
  "bad-uuid.json": connectorsJson(accessKeys("not-a-uuid", "ci-user")),
  "bad-type.json": connectorsJson({ id: ID_A, name: "x", type: "magic" }),
  "unknown-key.yml": "region: eu-west-1\nnamespace: custom.aws\nregoin: eu-west-2\n",
  "unknown-key.json": '{"region": "eu-west-1", "regoin": "eu-west-2"}',
  "syntax.yml": "region: eu-west-1\nregistryIds: [123456789012\nscope: local\n",
  "syntax.json": '{"region": "eu-west-1",}',
  "wrong-type.json": '{"region": 42}',
};

const CASES: readonly BadCase[] = [
  {
    name: "task file (YAML) with an unknown key, at its line",
    args: ["--task", "unknown-key.yml"],
    error: "invalid configuration",
    field: /^ {2}unknown-key\.yml:3: .*unknown key "regoin"/,
  },
  {
    name: "task file (JSON) with an unknown key",
    args: ["--task", "unknown-key.json"],
    error: "invalid configuration",
    field: /^ {2}unknown-key\.json: .*unknown key "regoin" \(fix: did you mean "region"\?\)$/,
  },
  {
    name: "task file (JSON) with a wrong type",
    args: ["--task", "wrong-type.json"],
    error: "invalid configuration",
    field: "  wrong-type.json: region: must be a string, not a number",
  },
  {
    name: "task file YAML syntax error",
    args: ["--task", "syntax.yml"],
    error: /^the task file syntax\.yml is not valid YAML or JSON: line [23]: /,
    field: "  fix: fix the syntax at the position shown",
  },
  {
    name: "task file JSON syntax error",
    args: ["--task", "syntax.json"],
    error: /^the task file syntax\.json is not valid YAML or JSON: /,
    field: "  fix: fix the syntax at the position shown",
  },
  {
    name: "missing task file",
    args: ["--task", "nowhere.yml"],
    error: "cannot read the task file nowhere.yml: no such file",
    field: "  fix: check the path of the task file",
  },
  {
    name: "connectors file (JSON) with a literal secret",
    args: [...R, "--connector", "ci-user", "--connectors", "literal.json"],
    error: "invalid configuration",
    field:
      /^ {2}literal\.json: connectors\[0\] \("ci-user"\)\.secretAccessKey: .*write \$\{env\.NAME\}, \$\{bamboo\.NAME\} or \$\{file:/,
  },
  {
    name: "connectors file (YAML) with a literal secret, at its line",
    args: [...R, "--connector", "ci-user", "--connectors", "literal.yml"],
    error: "invalid configuration",
    field:
      /^ {2}literal\.yml:6: connectors\[0\] \("ci-user"\)\.secretAccessKey: .*write \$\{env\.NAME\}/,
  },
  {
    name: "duplicate connector ids",
    args: [...R, "--connector", "ci-user", "--connectors", "dup-id.json"],
    error: "invalid configuration",
    field:
      '  dup-id.json: connectors[1] ("other").id: repeats the id of connectors[0] (fix: give every connector its own UUID)',
  },
  {
    name: "duplicate connector names",
    args: [...R, "--connector", "ci-user", "--connectors", "dup-name.json"],
    error: "invalid configuration",
    field:
      '  dup-name.json: connectors[1] ("ci-user").name: repeats the name of connectors[0] (fix: give every connector its own name)',
  },
  {
    name: "base cycle",
    args: [...R, "--connector", "a", "--connectors", "cycle.json"],
    error: "invalid configuration",
    field: /^ {2}cycle\.json: connectors\[0\] \("a"\)\.base: forms a cycle: a -> b -> a/,
  },
  {
    name: "base naming no connector",
    args: [...R, "--connector", "a", "--connectors", "no-base.json"],
    error: "invalid configuration",
    field:
      /^ {2}no-base\.json: connectors\[0\] \("a"\)\.base: names "nowhere", which is no connector in this file/,
  },
  {
    name: "connector id not a UUID",
    args: [...R, "--connector", "ci-user", "--connectors", "bad-uuid.json"],
    error: "invalid configuration",
    field: /^ {2}bad-uuid\.json: connectors\[0\] \("ci-user"\)\.id: must be a UUID/,
  },
  {
    name: "unknown connector type",
    args: [...R, "--connector", "x", "--connectors", "bad-type.json"],
    error: "invalid configuration",
    field: /^ {2}bad-type\.json: connectors\[0\] \("x"\)\.type: /,
  },
  // Named FIFOs with no writer: opening one waited forever; refused before any read now.
  {
    name: "a FIFO as the task file",
    args: [...R, "--task", "task.fifo"],
    error:
      "cannot read the task file task.fifo: it is not a regular file (a FIFO, socket or device)",
    field: "  fix: give the path of a file; for generated text use the shell's <(command)",
  },
  {
    name: "a FIFO as the connectors file",
    args: [...R, "--connector", "x", "--connectors", "connectors.fifo"],
    error:
      "cannot read the connectors file connectors.fifo: it is not a regular file (a FIFO, socket or device)",
    field: "  fix: give the path of a file; for generated text use the shell's <(command)",
  },
];

/** Named pipes created before the cases run (nothing ever writes to them). */
const FIFOS = ["task.fifo", "connectors.fifo"];

let ctx: E2eContext;
beforeAll(async () => {
  ctx = await startInProcess();
  for (const [name, text] of Object.entries(FILES)) await ctx.write(name, text);
  for (const name of FIFOS) execFileSync("mkfifo", [ctx.path(name)]);
});
afterAll(() => ctx.close());

describe("each bad file: exit 2, one error line naming the file and field, nothing sent", () => {
  test.each(CASES)("$name", (c) => expectBadInput(ctx, c));
});
