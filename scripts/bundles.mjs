// What the programs' bundles share (scripts/build.mjs for the npm package, build-exe.mjs for the
// standalone executables): the packages the programs import dynamically, as CommonJS bundles
// beside them, each required when a program first imports one of its packages.
import { build } from "esbuild";

/**
 * esbuild options for a CommonJS program (or a bundle of packages) whose dynamic imports of
 * packages take them from bundles beside it, required when first imported: the AWS SDK's from
 * `aws-sdk.cjs`, any other package's from `vendor.cjs` (see `packageBundle`). `files` collects
 * the packages of each; `load` is the expression that loads a bundle file (a require beside the
 * program; the executables take it from their assets). A dynamic import() of the project's own modules stays in the program,
 * initialised when first imported, so no module of ours exists twice; with `dynamic-import`
 * unsupported, esbuild writes Node built-ins as require(), so no run starts Node's ES module
 * loader.
 */
export function packageImports(files, load = (file) => `require("./${file}")`) {
  const fileOf = (name) => (name.startsWith("@aws-sdk/") ? "aws-sdk.cjs" : "vendor.cjs");
  return {
    supported: { "dynamic-import": false },
    external: Object.keys(files).map((file) => `./${file}`),
    plugins: [
      {
        name: "package-bundles",
        setup(plugin) {
          plugin.onResolve({ filter: /^(@[^./]|[^./])/ }, (args) => {
            if (args.kind !== "dynamic-import" || args.path.startsWith("node:")) return undefined;
            files[fileOf(args.path)].add(args.path);
            return { path: args.path, namespace: "package-bundle" };
          });
          plugin.onLoad({ filter: /.*/, namespace: "package-bundle" }, (args) => ({
            contents: `module.exports = ${load(fileOf(args.path))}[${JSON.stringify(args.path)}];`,
            loader: "js",
            resolveDir: process.cwd(),
          }));
        },
      },
    ],
  };
}

/**
 * `packages` as one CommonJS bundle (what they share once) exporting a getter per package: a
 * package's modules are initialised when it is first asked for, not when the bundle is loaded.
 */
export async function packageBundle(packages, options) {
  const getters = [...packages]
    .sort()
    .map((name) => `  get ${JSON.stringify(name)}() { return require(${JSON.stringify(name)}); },`);
  await build({
    ...options,
    bundle: true,
    format: "cjs",
    // What the packages import dynamically stays in the bundle, required when first imported.
    supported: { "dynamic-import": false },
    mainFields: ["module", "main"],
    stdin: {
      contents: `module.exports = {\n${getters.join("\n")}\n};\n`,
      resolveDir: ".",
      sourcefile: "packages.js",
    },
  });
}
