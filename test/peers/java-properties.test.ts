import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import type { Variable } from "../../src/core/variables.js";
import { bamboo } from "../../src/emit/index.js";
import {
  AWKWARD_PASSWORD,
  ECR_PASSWORD,
  ecrVariables,
  OPTIONS,
  variable,
} from "../support/emit-fixtures.js";

interface Loaded {
  readonly stream: Record<string, string>;
  readonly reader: Record<string, string>;
}

const READER = fileURLToPath(new URL("../support/ReadProperties.java", import.meta.url));

const dir = mkdtempSync(join(tmpdir(), "ecr-vars-properties-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Writes the bamboo rendering and loads it with java.util.Properties. A machine without Java fails
 * here (spawn error) rather than skipping: Bamboo itself reads these files with Java.
 */
function loadWithJava(variables: readonly Variable[], file: string): Loaded {
  const path = join(dir, file);
  writeFileSync(path, bamboo.render(variables, OPTIONS).text, "utf8");
  const output = execFileSync("java", [READER, path], {
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(output) as Loaded;
}

function expected(variables: readonly Variable[]): Record<string, string> {
  return Object.fromEntries(variables.map((v) => [v.relativeName, v.value]));
}

describe("bamboo .properties read by java.util.Properties", () => {
  test.each([
    ["a normal registry", ecrVariables(ECR_PASSWORD)],
    ["the awkward password", ecrVariables(AWKWARD_PASSWORD)],
    [
      "awkward keys and values",
      [
        variable("  both ends  ", "a.b.spaced key"),
        variable("=:#!", "a.b.k=e:y#!"),
        variable("\\", "a.b.back\\slash"),
        variable("\t\f\r\n\x00\x7f", "a.b.\ttab"),
        variable("\u{1f4a5}\u00e9\u2028", "a.b.\u00e9\u{1f4a5}"),
        variable("#not a comment", "a.b.#hash"),
        variable("!not a comment", "a.b.!bang"),
        variable("", "a.b.empty"),
      ],
    ],
  ])("reads back %s exactly through InputStream and UTF-8 Reader", (_case, variables) => {
    const loaded = loadWithJava(variables, `${Math.random().toString(36).slice(2)}.properties`);
    expect(loaded.stream).toEqual(expected(variables));
    expect(loaded.reader).toEqual(expected(variables));
  });
});
