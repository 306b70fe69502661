// Builds dist/ in five esbuild runs, then writes V8 code caches (5):
//
// 1. dist/ecr-vars-main.cjs, the CLI: one CommonJS file holding what a run answered from the
//    token cache needs (README "Start-up": ≤ 1.2× a bare `node -e 0`). Node starts a CommonJS file faster
//    than an ES module, and CommonJS output cannot be split, so every dynamic import() in that
//    graph is kept out of it: the AWS SDK packages go to 1b, everything else (zod, yaml, the
//    connectors, the task file, the subcommands) to ES module entries of build 2 (dist/cli/*.mjs),
//    but for the small modules that write files, which stay in (see `inline` below).
//    Modules reached both ways exist twice (once in each format); nothing relies on module
//    identity across that line (see isEcrVarsError). The bin dist/ecr-vars.cjs is a launcher that
//    runs it from a V8 code cache (src/platform/launch.ts). The same build makes
//    dist/docker-credential-ecr-vars-fetch.cjs, the credential helper's cache-miss path, which the
//    helper runs the same way, so both share the SDK bundle and its cache.
// 1b. dist/cli/aws-sdk.cjs: the SDK packages the CLI imports, one CommonJS bundle, also run from
//    a code cache by the launcher.
// 2. dist/cli/*.mjs: the other lazy entries, as ES modules sharing chunks in dist/cli/chunks.
// 3. dist/docker-credential-ecr-vars.cjs, the credential helper (CommonJS for the same reason).
//    It starts without the launcher: its hit path compiles in less time than the launcher costs.
// 4. The library (dist/index.mjs), the emulator (dist/emulator.mjs) and its bin, as ES modules.
// 5. dist/*.cjs.v8cache beside the three CommonJS programs: the bytecode the CLI compiled in a
//    cache-hit run, the SDK in a cache-miss run and the helper's miss path in a helper miss, all
//    against the emulator, for the Node that runs this build (other Node versions and flags get
//    theirs in the user's cache directory on first use: src/platform/launch.ts).
import { spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { lazyImports, sdkBundle, useLauncherImport } from "./bundles.mjs";
import { emulatorEnv } from "./emulator-env.mjs";

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
// package), each becoming an entry of build 2. `sdkPackages`: SDK package → the names the program
// takes from it: the bundle exports only those, so a package initialises only the modules behind
// them (credential-providers' index alone reaches every provider and their clients).
const lazy = new Map();
const sdkPackages = new Map();
const lazyImportsPlugin = lazyImports({
  lazy,
  sdkPackages,
  // Relative to dist/ecr-vars-main.cjs, which import() resolves against.
  sdkPath: "./cli/aws-sdk.cjs",
  lazyPath: (name) => `./cli/${name}.mjs`,
  // What writes files (a cache miss's token cache, --output, a CI's files, Docker's config, a
  // replay record): small, and as an ES module each would start Node's ES module loader, about
  // 10 ms.
  inline: new Set(
    ["lock", "write-file", "append-file", "docker-config-file", "executable", "replay"].map(
      (name) => `src/platform/${name}.ts`,
    ),
  ),
});
await build({
  ...common,
  entryPoints: {
    "ecr-vars-main": "src/cli/bin.ts",
    "docker-credential-ecr-vars-fetch": "src/helper/fetch.ts",
  },
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  mainFields: ["module", "main"],
  plugins: [lazyImportsPlugin],
});
await useLauncherImport("dist/ecr-vars-main.cjs");
await useLauncherImport("dist/docker-credential-ecr-vars-fetch.cjs");

// Build 1b. The AWS SDK packages the program imports, as one CommonJS bundle (shared SDK core
// once), each package initialised only when first asked for. The launcher runs it from its own
// code cache: the ES module loader and compiling the SDK were most of a fresh fetch's start-up.
await sdkBundle(sdkPackages, { ...common, outfile: "dist/cli/aws-sdk.cjs" });
await useLauncherImport("dist/cli/aws-sdk.cjs");

// Build 2.
await build({
  ...esm,
  entryPoints: Object.fromEntries([...lazy].map(([name, input]) => [`cli/${name}`, input])),
  outdir: "dist",
  chunkNames: "cli/chunks/[name]-[hash]",
});

// Build 3. The helper's entry holds only its cache-hit path: what else it imports dynamically
// (the launcher of its miss path, the token cache's writing, `erase`) is one CommonJS file,
// dist/docker-credential-ecr-vars-miss.cjs, required when first imported (a cache hit compiles
// the rest only, a third less).
const helperMiss = new Map(
  [
    ["launch", "src/platform/launch.ts"],
    ["lock", "src/platform/lock.ts"],
    ["writeFile", "src/platform/write-file.ts"],
    ["erase", "src/helper/erase.ts"],
  ].map(([name, input]) => [resolve(input), name]),
);
await build({
  ...common,
  entryPoints: { "docker-credential-ecr-vars": "src/helper/bin.ts" },
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  plugins: [
    {
      name: "helper-miss",
      setup(plugin) {
        plugin.onResolve({ filter: /^\./ }, (args) => {
          if (args.kind !== "dynamic-import") return undefined;
          const input = resolve(args.resolveDir, args.path).replace(/\.js$/, ".ts");
          const name = helperMiss.get(input);
          return name === undefined ? undefined : { path: name, namespace: "helper-miss" };
        });
        plugin.onResolve({ filter: /^\.\/docker-credential-ecr-vars-miss\.cjs$/ }, (args) => ({
          path: args.path,
          external: true,
        }));
        plugin.onLoad({ filter: /.*/, namespace: "helper-miss" }, (args) => ({
          contents: `module.exports = require("./docker-credential-ecr-vars-miss.cjs").${args.path};`,
          loader: "js",
        }));
      },
    },
  ],
});
await build({
  ...common,
  stdin: {
    contents: [...helperMiss]
      .map(([input, name]) => `export * as ${name} from ${JSON.stringify(input)};`)
      .join("\n"),
    resolveDir: ".",
    sourcefile: "docker-credential-ecr-vars-miss.js",
  },
  outfile: "dist/docker-credential-ecr-vars-miss.cjs",
  format: "cjs",
});

// The bin: the launcher of build 1's program (src/cli/launcher.ts), and what it loads to write a
// code cache when none served the run.
await build({
  ...common,
  entryPoints: { "ecr-vars": "src/cli/launcher.ts" },
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  format: "cjs",
  external: ["./ecr-vars-launch.cjs"],
  banner: { js: "#!/usr/bin/env node" },
});
await build({
  ...common,
  stdin: {
    contents: 'export { cacheAtExit } from "./src/platform/launch.ts";',
    resolveDir: ".",
    loader: "ts",
    sourcefile: "ecr-vars-launch.ts",
  },
  outfile: "dist/ecr-vars-launch.cjs",
  format: "cjs",
});
await chmod("dist/ecr-vars.cjs", 0o755);

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

// 5. A miss fills the token cache, then the CLI answers from it; each run saves one code cache.
const { createEmulator } = await import(pathToFileURL(resolve("dist/emulator.mjs")).href);
const emu = await createEmulator({});
const dir = await mkdtemp(join(tmpdir(), "ecr-vars-build-"));
try {
  const env = emulatorEnv(emu, dir);
  const train = (file) => ({ ...env, ECR_VARS_BUILD_CODE_CACHE: file });
  const cli = ["dist/ecr-vars.cjs", "--region", "eu-west-1", "--registry-id", "123456789012"];
  // A miss (the default chain, STS GetCallerIdentity, ECR): the SDK's code cache.
  await node([...cli, "-q", "--cache"], train("aws-sdk.cjs"));
  // A hit: the program's.
  await node([...cli, "--cache"], train("ecr-vars-main.cjs"));
  // The helper's miss path, with a token cache of its own.
  const helper = {
    ...train("docker-credential-ecr-vars-fetch.cjs"),
    ECR_VARS_CACHE_DIR: join(dir, "helper"),
  };
  await node(
    ["dist/docker-credential-ecr-vars.cjs", "get"],
    helper,
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
  );
} finally {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
}

/** Runs node asynchronously (the emulator answers from this process) and fails on a non-zero exit. */
async function node(args, env, input = "") {
  const child = spawn(process.execPath, args, { env, stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  child.stdin.end(input);
  const code = await new Promise((done) => child.on("close", done));
  if (code !== 0) throw new Error(`code cache run ${args.join(" ")} failed (${code}): ${stderr}`);
}
