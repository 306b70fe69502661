// What the programs' bundles share (scripts/build.mjs for the npm package, build-exe.mjs for the
// standalone executables): what the programs import dynamically from outside the project, as
// CommonJS bundles beside them, each required when a program first needs it:
//   aws-sdk.cjs  src/aws/sdk.ts, the one module through which the project uses the AWS SDK
//   vendor.cjs   every other package imported dynamically (the YAML parser, the proxy agents)
import { resolve } from "node:path";
import { build } from "esbuild";

/** The module that names what the project uses of the AWS SDK: the entry of `aws-sdk.cjs`. */
const SDK_ENTRY = resolve("src/aws/sdk.ts");

/**
 * esbuild options for a CommonJS program whose dynamic imports of src/aws/sdk.ts and of packages
 * take them from the bundles beside it, required when first imported: the SDK from
 * `aws-sdk.cjs`, any other package from `vendor.cjs` (see `packageBundle`; `vendor` collects
 * their names). `load` is the expression that loads a bundle file: a require beside the program,
 * unless the executables take it from their assets. A dynamic import() of the project's other
 * modules stays in the program, initialised when first imported, so no module of ours exists
 * twice; with `dynamic-import` unsupported, esbuild writes Node built-ins as require(), so no run
 * starts Node's ES module loader. The SDK anywhere but through src/aws/sdk.ts, or that module
 * imported statically, fails the build: either would put the SDK in the program.
 */
export function packageImports(vendor, load = (file) => `require("./${file}")`) {
  const isSdk = (args) => resolve(args.resolveDir, args.path).replace(/\.js$/, ".ts") === SDK_ENTRY;
  return {
    supported: { "dynamic-import": false },
    external: ["./aws-sdk.cjs", "./vendor.cjs"],
    plugins: [
      {
        name: "package-bundles",
        setup(plugin) {
          plugin.onResolve({ filter: /\/sdk\.js$/ }, (args) => {
            if (!isSdk(args)) return undefined;
            if (args.kind !== "dynamic-import") {
              return { errors: [{ text: "import src/aws/sdk.ts dynamically: await import()" }] };
            }
            return { path: "aws-sdk.cjs", namespace: "sdk-bundle" };
          });
          plugin.onResolve({ filter: /^@aws-sdk\// }, (args) =>
            args.kind === "dynamic-import"
              ? { errors: [{ text: `import ${args.path} through src/aws/sdk.ts` }] }
              : undefined,
          );
          plugin.onResolve({ filter: /^(@[^./]|[^./])/ }, (args) => {
            if (args.kind !== "dynamic-import" || args.path.startsWith("node:")) return undefined;
            vendor.add(args.path);
            return { path: args.path, namespace: "package-bundle" };
          });
          plugin.onLoad({ filter: /.*/, namespace: "sdk-bundle" }, () => ({
            contents: `module.exports = ${load("aws-sdk.cjs")};`,
            loader: "js",
            resolveDir: process.cwd(),
          }));
          plugin.onLoad({ filter: /.*/, namespace: "package-bundle" }, (args) => ({
            contents: `module.exports = ${load("vendor.cjs")}[${JSON.stringify(args.path)}];`,
            loader: "js",
            resolveDir: process.cwd(),
          }));
        },
      },
    ],
  };
}

/**
 * Both bundles: CommonJS, the packages' ES module builds, and what the packages import
 * dynamically kept in the bundle, initialised when first imported.
 */
const BUNDLE = {
  bundle: true,
  format: "cjs",
  supported: { "dynamic-import": false },
  mainFields: ["module", "main"],
};

/**
 * `aws-sdk.cjs`: src/aws/sdk.ts and what it needs of the SDK. Its imports are static, so esbuild
 * keeps only what the names exported there use, and that code runs as the bundle's own top
 * level, which Node's compile cache holds; what the SDK itself imports dynamically (the
 * credential chain's providers) is initialised when first imported.
 */
export async function sdkBundle(options) {
  await build({ ...options, ...BUNDLE, entryPoints: [SDK_ENTRY] });
}

/**
 * `vendor.cjs`: `packages` as one CommonJS bundle (what they share once) exporting a getter per
 * package: a package's modules are initialised when it is first asked for, not when the bundle
 * is loaded.
 */
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
