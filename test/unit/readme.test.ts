import { readFile, writeFile } from "node:fs/promises";
import { expect, test } from "vitest";
import {
  commandsMarkdown,
  formatsMarkdown,
  optionsMarkdown,
  variablesMarkdown,
} from "../../src/cli/docs.js";
import { OPTIONS } from "../../src/cli/options.js";

// The README's variable, command, option and format tables are generated from the same tables as --help.
// Run with UPDATE_README=1 to rewrite them after changing an option or a format.
const sections = {
  variables: variablesMarkdown,
  commands: commandsMarkdown,
  options: optionsMarkdown,
  formats: formatsMarkdown,
};

test.each(Object.entries(sections))(
  "the README's %s table matches the code",
  async (name, generate) => {
    const readme = await readFile("README.md", "utf8");
    const pattern = new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
    const updated = readme.replace(pattern, `$1${generate()}\n$2`);
    if (process.env.UPDATE_README === "1") await writeFile("README.md", updated);
    expect(readme).toBe(updated);
  },
);

test("every flag appears in the README", async () => {
  const readme = await readFile("README.md", "utf8");
  for (const spec of OPTIONS) expect(readme).toContain(`--${spec.flag}`);
});
