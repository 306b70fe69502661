/**
 * ARCHITECTURE.md and the code cannot drift apart: the import rules it states are checked against
 * the imports of every source file, and every source file must appear in its module map.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, test } from "vitest";

const ARCHITECTURE = readFileSync("ARCHITECTURE.md", "utf8");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}
const FILES = sourceFiles("src").map((f) => f.split("\\").join("/"));

interface Import {
  readonly from: string;
  /** The project file, `src/...ts`, or the package name. */
  readonly target: string;
  readonly dynamic: boolean;
  readonly typeOnly: boolean;
}

/** Comments removed, so that an example in a comment is not taken for an import. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

function importsOf(file: string): Import[] {
  const text = code(readFileSync(file, "utf8"));
  const found: Import[] = [];
  const add = (specifier: string, dynamic: boolean, typeOnly: boolean) => {
    const target = specifier.startsWith(".")
      ? normalize(join(dirname(file), specifier))
          .split("\\")
          .join("/")
          .replace(/\.js$/, ".ts")
      : specifier;
    found.push({ from: file, target, dynamic, typeOnly });
  };
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\bfrom\s+"([^"]+)"/gm)) {
    add(m[3] ?? "", false, m[2] !== undefined);
  }
  for (const m of text.matchAll(/^\s*import\s+"([^"]+)"/gm)) add(m[1] ?? "", false, false);
  for (const m of text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) add(m[1] ?? "", true, false);
  return found;
}
const IMPORTS = FILES.flatMap(importsOf);

/** `src/cli/main.ts` → `cli/`; `src/index.ts` → `index.ts`. */
function areaOf(file: string): string {
  const rest = file.replace(/^src\//, "");
  const slash = rest.indexOf("/");
  return slash < 0 ? rest : `${rest.slice(0, slash)}/`;
}

/** The "may import" table of ARCHITECTURE.md: area → areas it may import besides itself. */
function rules(): Map<string, Set<string>> {
  const section = ARCHITECTURE.split("<!-- import-rules:start -->")[1]?.split(
    "<!-- import-rules:end -->",
  )[0];
  if (section === undefined) throw new Error("ARCHITECTURE.md has no import-rules table");
  const table = new Map<string, Set<string>>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const area = /^`([^`]+)`$/.exec(cells[1] ?? "")?.[1];
    if (area === undefined) continue;
    const allowed = [...(cells[2] ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? "");
    table.set(area, new Set(allowed));
  }
  return table;
}

describe("ARCHITECTURE.md import rules", () => {
  const table = rules();

  test("the rules table names every area of src/", () => {
    const areas = new Set(FILES.map(areaOf));
    expect([...areas].filter((a) => !table.has(a))).toEqual([]);
  });

  test("each area imports only the areas its row allows", () => {
    const broken = IMPORTS.filter((i) => i.target.startsWith("src/"))
      .filter((i) => areaOf(i.from) !== areaOf(i.target))
      .filter((i) => !table.get(areaOf(i.from))?.has(areaOf(i.target)))
      .map((i) => `${i.from} imports ${i.target}`);
    expect(broken).toEqual([]);
  });

  test("nothing but cli/bin.ts imports cli/main.ts (subcommands share cli/io, parse, report)", () => {
    const importers = IMPORTS.filter((i) => i.target === "src/cli/main.ts" && !i.typeOnly).map(
      (i) => i.from,
    );
    expect(importers).toEqual(["src/cli/bin.ts"]);
    expect(IMPORTS.filter((i) => i.target === "src/cli/main.ts").map((i) => i.from)).toEqual([
      "src/cli/bin.ts",
    ]);
  });

  test("the AWS SDK is imported through aws/sdk.ts only, and that only dynamically (type imports aside)", () => {
    const sdk = IMPORTS.filter((i) => /^@(aws-sdk|smithy)\//.test(i.target) && !i.typeOnly);
    expect(sdk.length).toBeGreaterThan(0);
    expect(new Set(sdk.map((i) => i.from))).toEqual(new Set(["src/aws/sdk.ts"]));
    expect(sdk.filter((i) => i.dynamic)).toEqual([]);
    const importers = IMPORTS.filter((i) => i.target === "src/aws/sdk.ts" && !i.typeOnly);
    expect(importers.length).toBeGreaterThan(0);
    const staticSdk = importers.filter((i) => !i.dynamic).map((i) => `${i.from} imports sdk.ts`);
    expect(staticSdk).toEqual([]);
  });

  test("index.ts files only re-export", () => {
    for (const file of FILES.filter((f) => f.endsWith("/index.ts"))) {
      const rest = code(readFileSync(file, "utf8"))
        .replace(/export\s+(type\s+)?\{[^}]*\}\s+from\s+"[^"]+";/g, "")
        .replace(/export\s+\*\s+(as\s+\w+\s+)?from\s+"[^"]+";/g, "")
        .trim();
      expect(rest, file).toBe("");
    }
  });

  test("a rule the test must catch is caught: emit/ importing platform/", () => {
    // Guards the checker itself: the same filter must flag a forbidden edge.
    const forbidden = { from: "src/emit/sh.ts", target: "src/platform/logger.ts" };
    expect(table.get(areaOf(forbidden.from))?.has(areaOf(forbidden.target))).toBe(false);
    expect(importsOf("src/cli/bin.ts").map((i) => i.target)).toContain("src/cli/main.ts");
  });
});

describe("ARCHITECTURE.md module map", () => {
  /** Every path the map names: `src/x.ts`, `src/emit/{a,b}.ts`, and `a.ts` in a folder's row. */
  function mapped(): Set<string> {
    const names = new Set<string>();
    for (const line of ARCHITECTURE.split("\n")) {
      if (!line.startsWith("| `src/") && !line.startsWith("| `scripts/")) continue;
      const cells = line.split("|");
      const head = cells[1] ?? "";
      for (const m of head.matchAll(/`([^`]+)`/g)) {
        const path = m[1] ?? "";
        const braces = /^(.*)\{([^}]+)\}(.*)$/.exec(path);
        if (braces) {
          for (const part of (braces[2] ?? "").split(","))
            names.add(`${braces[1]}${part.trim()}${braces[3]}`);
        } else names.add(path);
        // A folder's row lists its files by name in the description.
        if (path.endsWith("/")) {
          for (const f of line.matchAll(/`([\w.-]+\.ts)`/g)) names.add(`${path}${f[1]}`);
        }
      }
    }
    return names;
  }

  test("every source file is in the map", () => {
    const names = mapped();
    expect(FILES.filter((f) => !names.has(f))).toEqual([]);
  });

  test("every file the map names exists", () => {
    const names = [...mapped()].filter((n) => n.endsWith(".ts") && n.startsWith("src/"));
    const missing = names.filter((n) => !FILES.includes(n));
    expect(missing).toEqual([]);
  });
});
