// Builds dist/ in four esbuild runs:
//
// 1. dist/ecr-vars.cjs, the CLI: one CommonJS file holding what a run answered from the token cache
//    needs (SPEC 5: ≤ 1.2× a bare `node -e 0`). Node starts a CommonJS file faster than an ES
//    module, and CommonJS output cannot be split, so every dynamic import() in that graph is
//    rewritten to an ES module entry of build 2 (dist/cli/*.mjs) instead of being inlined: the AWS
//    SDK, zod, yaml, the credential sources and the subcommands load only on the paths that use
//    them. Modules reached both ways exist twice (once in each format); nothing relies on module
//    identity across that line (see isEcrVarsError).
// 2. dist/cli/*.mjs: those lazy entries, and the credential helper's cache-miss path
//    (dist/docker-credential-ecr-vars-fetch.mjs), as ES modules sharing chunks in dist/cli/chunks.
// 3. dist/docker-credential-ecr-vars.cjs, the credential helper (CommonJS for the same reason).
// 4. The library (dist/index.mjs), the emulator (dist/emulator.mjs) and its bin, as ES modules.
import { readFile, rm } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { build } from "esbuild";

const { version } = JSON.parse(await readFile("package.json", "utf8"));
await rm("dist", { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  minify: false,
  sourcemap: false,
  define: { __ECR_VARS_VERSION__: JSON.stringify(version) },
  logLevel: "warning",
};
const esm = {
  ...common,
  outExtension: { ".js": ".mjs" },
  splitting: true,
  format: "esm",
  // Prefer the ESM builds of the AWS SDK: dynamic import() of its CommonJS builds loses named exports.
  mainFields: ["module", "main"],
  banner: {
    js: "import { createRequire as __ecrVarsCreateRequire } from 'node:module'; const require = __ecrVarsCreateRequire(import.meta.url);",
  },
};

// Build 1. `lazy` collects the targets of dynamic imports: output name → module (a src file or a
// package), each becoming an entry of build 2.
const lazy = new Map();
const lazyImports = {
  name: "lazy-imports",
  setup(plugin) {
    plugin.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== "dynamic-import" || args.path.startsWith("node:")) return undefined;
      let input;
      let name;
      if (args.path.startsWith(".")) {
        input = relative(".", resolve(args.resolveDir, args.path)).replace(/\.js$/, ".ts");
        name = input
          .replace(/^src\//, "")
          .replace(/\.ts$/, "")
          .replaceAll("/", "-");
      } else {
        input = args.path;
        name = args.path.replace(/^@/, "").replaceAll("/", "-");
      }
      const known = lazy.get(name);
      if (known !== undefined && known !== input) throw new Error(`${name}: ${known} and ${input}`);
      lazy.set(name, input);
      // Relative to dist/ecr-vars.cjs, which import() resolves against.
      return { path: `./cli/${name}.mjs`, external: true };
    });
  },
};
await build({
  ...common,
  entryPoints: { "ecr-vars": "src/cli/bin.ts" },
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  mainFields: ["module", "main"],
  plugins: [lazyImports],
});

// Build 2.
await build({
  ...esm,
  entryPoints: {
    ...Object.fromEntries([...lazy].map(([name, input]) => [`cli/${name}`, input])),
    "docker-credential-ecr-vars-fetch": "src/helper/fetch.ts",
  },
  outdir: "dist",
  chunkNames: "cli/chunks/[name]-[hash]",
});

// Build 3. The helper's entry holds only its cache-hit path; a miss imports
// docker-credential-ecr-vars-fetch.mjs (build 2).
await build({
  ...common,
  entryPoints: { "docker-credential-ecr-vars": "src/helper/bin.ts" },
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  format: "cjs",
});

// Build 4.
await build({
  ...esm,
  entryPoints: {
    "ecr-vars-emulator": "src/emulator/bin.ts",
    index: "src/index.ts",
    emulator: "src/emulator/index.ts",
  },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
});
