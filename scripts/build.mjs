// Builds dist/ (docs/start-up.md):
//   ecr-vars.cjs, docker-credential-ecr-vars.cjs, ecr-vars-kubelet.cjs  the bins
//       (src/cli/launcher.ts, src/helper/launcher.ts, src/kubelet/launcher.ts): they turn on
//       Node's module compile cache and require the program
//   cli.cjs, helper.cjs, kubelet.cjs  the programs (src/cli/bin.ts, src/helper/bin.ts,
//       src/kubelet/bin.ts), one CommonJS file each:
//       Node starts a CommonJS file faster than an ES module; a dynamic import() of the project's
//       modules or of a package stays in the file and is initialised when first imported
//   aws-sdk.cjs, vendor.cjs  what the programs import dynamically from outside the project (the
//       AWS SDK through src/aws/sdk.ts; the YAML parser, the proxy agents), each file required
//       when first needed (scripts/bundles.mjs)
//   index.mjs, emulator.mjs, ecr-vars-emulator.mjs  the library, the emulator and its bin
import { chmod, readFile, rm } from "node:fs/promises";
import { build } from "esbuild";
import { packageBundle, packageImports, sdkBundle } from "./bundles.mjs";

const { version } = JSON.parse(await readFile("package.json", "utf8"));
await rm("dist", { recursive: true, force: true });

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  define: { __ECR_VARS_VERSION__: JSON.stringify(version) },
  logLevel: "warning",
};
// Less to read at every start: whitespace and syntax only, so names stay in stack traces (--debug).
const minify = { minifyWhitespace: true, minifySyntax: true };
const cjs = { ...common, ...minify, format: "cjs", mainFields: ["module", "main"], outdir: "dist" };

const vendor = new Set();
await build({
  ...cjs,
  ...packageImports(vendor),
  entryPoints: {
    cli: "src/cli/bin.ts",
    helper: "src/helper/bin.ts",
    kubelet: "src/kubelet/bin.ts",
  },
  outExtension: { ".js": ".cjs" },
});
await sdkBundle({ ...common, ...minify, outfile: "dist/aws-sdk.cjs" });
await packageBundle(vendor, { ...common, ...minify, outfile: "dist/vendor.cjs" });

// An import() left in a program would start Node's ES module loader, slower than require().
for (const file of ["cli.cjs", "helper.cjs", "kubelet.cjs", "aws-sdk.cjs", "vendor.cjs"]) {
  if (/\bimport\(/.test(await readFile(`dist/${file}`, "utf8"))) {
    throw new Error(`dist/${file}: an import() is left`);
  }
}

await build({
  ...cjs,
  entryPoints: {
    "ecr-vars": "src/cli/launcher.ts",
    "docker-credential-ecr-vars": "src/helper/launcher.ts",
    "ecr-vars-kubelet": "src/kubelet/launcher.ts",
  },
  outExtension: { ".js": ".cjs" },
  external: ["./cli.cjs", "./helper.cjs", "./kubelet.cjs"],
  banner: { js: "#!/usr/bin/env node" },
});
await chmod("dist/ecr-vars.cjs", 0o755);
await chmod("dist/docker-credential-ecr-vars.cjs", 0o755);
await chmod("dist/ecr-vars-kubelet.cjs", 0o755);

await build({
  ...common,
  format: "esm",
  splitting: true,
  outExtension: { ".js": ".mjs" },
  // Prefer the ESM builds of the AWS SDK: dynamic import() of its CommonJS builds loses named exports.
  mainFields: ["module", "main"],
  banner: {
    js: "import { createRequire as __ecrVarsCreateRequire } from 'node:module'; const require = __ecrVarsCreateRequire(import.meta.url);",
  },
  entryPoints: {
    "ecr-vars-emulator": "src/emulator/bin.ts",
    index: "src/index.ts",
    emulator: "src/emulator/index.ts",
  },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
});
