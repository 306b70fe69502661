// Builds the GitHub Action: action/main.cjs and action/post.cjs (each one CommonJS file holding
// everything it runs, the AWS SDK and @actions/core included, because a runner runs an action
// from its repository without installing anything) and action.yml (generated from the options
// table). The output is deterministic, so a test can rebuild it and compare it with the
// committed files: `node scripts/build-action.mjs --out DIR` writes a copy elsewhere.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outIndex = process.argv.indexOf("--out");
const out = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : root;
const { version } = JSON.parse(await readFile(join(root, "package.json"), "utf8"));

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  target: "node24",
  format: "cjs",
  // Prefer the packages' CommonJS-friendly builds where they have both.
  mainFields: ["module", "main"],
  minify: false,
  sourcemap: false,
  legalComments: "eof",
  charset: "ascii",
  define: { __ECR_VARS_VERSION__: JSON.stringify(version) },
  logLevel: "warning",
};

await mkdir(join(out, "action"), { recursive: true });
for (const [entry, file] of [
  ["src/action/entry-main.ts", "action/main.cjs"],
  ["src/action/entry-post.ts", "action/post.cjs"],
]) {
  await build({ ...common, entryPoints: [entry], outfile: join(out, file) });
}

// action.yml from the inputs table: bundle the generator, run it, write its text.
const temp = await mkdtemp(join(tmpdir(), "ecr-vars-action-"));
try {
  const generator = join(temp, "action-yml.mjs");
  await build({
    ...common,
    format: "esm",
    entryPoints: ["src/action/action-yml.ts"],
    outfile: generator,
  });
  const { actionYml } = await import(pathToFileURL(generator).href);
  await writeFile(join(out, "action.yml"), actionYml());
} finally {
  await rm(temp, { recursive: true, force: true });
}
