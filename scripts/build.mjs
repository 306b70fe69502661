// Bundles each entry point into one ESM file so that start-up is a single file read.
// The AWS SDK stays inside the bundle but is reached only through dynamic import(), so esbuild
// splits it into chunks that load only on the paths that call AWS.
import { readFile, rm } from "node:fs/promises";
import { build } from "esbuild";

const { version } = JSON.parse(await readFile("package.json", "utf8"));
await rm("dist", { recursive: true, force: true });
await build({
  entryPoints: {
    "ecr-vars": "src/cli/bin.ts",
    "ecr-vars-emulator": "src/emulator/bin.ts",
    // The helper's cache-miss path; its CommonJS entry is built below.
    "docker-credential-ecr-vars-fetch": "src/helper/fetch.ts",
    index: "src/index.ts",
    emulator: "src/emulator/index.ts",
  },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  // Prefer the ESM builds of the AWS SDK: dynamic import() of its CommonJS builds loses named exports.
  mainFields: ["module", "main"],
  target: "node20",
  minify: false,
  sourcemap: false,
  chunkNames: "chunks/[name]-[hash]",
  banner: {
    js: "import { createRequire as __ecrVarsCreateRequire } from 'node:module'; const require = __ecrVarsCreateRequire(import.meta.url);",
  },
  define: { __ECR_VARS_VERSION__: JSON.stringify(version) },
  logLevel: "warning",
});
// The credential helper's entry is CommonJS: Node starts it faster than an ES module, and its
// cache-hit path must stay close to a bare `node -e 0` (SPEC 5). It holds only that path; a miss
// imports docker-credential-ecr-vars-fetch.mjs (above), which shares the chunks of the ESM build.
await build({
  entryPoints: { "docker-credential-ecr-vars": "src/helper/bin.ts" },
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  define: { __ECR_VARS_VERSION__: JSON.stringify(version) },
  logLevel: "warning",
});
