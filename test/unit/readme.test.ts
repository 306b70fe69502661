import { readFile, writeFile } from "node:fs/promises";
import { expect, test } from "vitest";
import {
  commandsMarkdown,
  formatsMarkdown,
  optionsMarkdown,
  variablesMarkdown,
} from "../../src/cli/docs.js";
import { OPTIONS } from "../../src/cli/options.js";

// The variable table in the README, and the command, option and format tables in
// docs/reference.md, are generated from the same tables as --help.
// Run with UPDATE_README=1 to rewrite them after changing an option or a format.
const sections: ReadonlyArray<[string, string, () => string]> = [
  ["variables", "README.md", variablesMarkdown],
  ["commands", "docs/reference.md", commandsMarkdown],
  ["options", "docs/reference.md", optionsMarkdown],
  ["formats", "docs/reference.md", formatsMarkdown],
];

test.each(sections)("the %s table of %s matches the code", async (name, file, generate) => {
  const text = await readFile(file, "utf8");
  const pattern = new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
  expect(text).toMatch(pattern);
  const updated = text.replace(pattern, `$1${generate()}\n$2`);
  if (process.env.UPDATE_README === "1") await writeFile(file, updated);
  expect(text).toBe(updated);
});

test("every flag appears in the reference", async () => {
  const reference = await readFile("docs/reference.md", "utf8");
  for (const spec of OPTIONS) expect(reference).toContain(`--${spec.flag}`);
});
