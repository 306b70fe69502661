// What the programs import dynamically from outside the project, as CommonJS bundles beside them
// (scripts/build.mjs; the executables' assets, build-exe.mjs), each required when first needed:
//   aws-sdk.cjs  src/aws/sdk.ts, the one module through which the project uses the AWS SDK
//   vendor.cjs   every other package imported dynamically (the YAML parser, the proxy agents)
import { resolve } from "node:path";
import { build } from "esbuild";

const SDK_ENTRY = resolve("src/aws/sdk.ts");
const BUNDLE = {
  bundle: true,
  format: "cjs",
  // What a bundle imports dynamically stays in it, initialised when first imported; esbuild then
  // writes Node built-ins as require(), so no run starts Node's ES module loader.
  supported: { "dynamic-import": false },
  mainFields: ["module", "main"],
};

/**
 * esbuild options for a program: a dynamic import() of src/aws/sdk.ts becomes `load` of
 * `aws-sdk.cjs`, one of a package `load` of `vendor.cjs` (whose packages `vendor` collects). A
 * dynamic import() of the project's other modules stays in the program, initialised when first
 * imported, so no module of ours exists twice.
 */
export function packageImports(vendor, load = (file) => `require("./${file}")`) {
  const bundled = (contents) => ({ contents, loader: "js", resolveDir: process.cwd() });
  return {
    ...BUNDLE,
    external: ["./aws-sdk.cjs", "./vendor.cjs"],
    plugins: [
      {
        name: "package-bundles",
        setup(plugin) {
          plugin.onResolve({ filter: /\/sdk\.js$/ }, (args) =>
            args.kind === "dynamic-import" &&
            resolve(args.resolveDir, args.path).replace(/\.js$/, ".ts") === SDK_ENTRY
              ? { path: "aws-sdk.cjs", namespace: "sdk-bundle" }
              : undefined,
          );
          plugin.onResolve({ filter: /^(@[^./]|[^./])/ }, (args) => {
            if (args.kind !== "dynamic-import" || args.path.startsWith("node:")) return undefined;
            vendor.add(args.path);
            return { path: args.path, namespace: "package-bundle" };
          });
          plugin.onLoad({ filter: /.*/, namespace: "sdk-bundle" }, () =>
            bundled(`module.exports = ${load("aws-sdk.cjs")};`),
          );
          plugin.onLoad({ filter: /.*/, namespace: "package-bundle" }, (args) =>
            bundled(`module.exports = ${load("vendor.cjs")}[${JSON.stringify(args.path)}];`),
          );
        },
      },
    ],
  };
}

/**
 * `aws-sdk.cjs`: src/aws/sdk.ts with what its names need of the SDK. Its imports are static, so
 * esbuild drops the rest, and that code is the bundle's own top level, which Node's compile cache
 * holds.
 */
export async function sdkBundle(options) {
  await build({ ...options, ...BUNDLE, entryPoints: [SDK_ENTRY] });
}

/** `vendor.cjs`: a getter per package, each initialised when first asked for. */
export async function packageBundle(packages, options) {
  const getters = [...packages]
    .sort()
    .map((name) => `  get ${JSON.stringify(name)}() { return require(${JSON.stringify(name)}); },`);
  await build({
    ...options,
    ...BUNDLE,
    stdin: {
      contents: `module.exports = {\n${getters.join("\n")}\n};\n`,
      resolveDir: ".",
      sourcefile: "packages.js",
    },
  });
}
