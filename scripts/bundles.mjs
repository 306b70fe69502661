// What the bundles of the programs share (scripts/build.mjs for the npm package, build-exe.mjs
// for the standalone executables, build-action.mjs for the GitHub Action): how a dynamic
// import() becomes a lazily loaded file, the CommonJS bundle of the AWS SDK packages the
// programs import, and the stand-in for node:zlib in the SDK.
import { readdirSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { build } from "esbuild";

/**
 * Stand-ins in the AWS SDK's packages (the same answers, less start-up; README "Start-up"):
 * @smithy/core's CRC32 takes node:zlib's crc32 where there is one, and gets src/aws/lazy-zlib.ts,
 * which loads node:zlib only when it is called; its stream type checks
 * (src/aws/stream-type-check.ts) and its UUID v4 (src/aws/uuid-v4.ts) do not read the globals
 * that load Node's web streams and web crypto; and the packages' node:fs/promises, of which they
 * use readFile alone, is src/aws/fs-promises.ts, node:fs's readFile as a promise.
 */
export function lazyZlib(root = ".") {
  const crc32Module = join("checksum", "crc32", "Crc32Node.js");
  const serde = join("submodules", "serde");
  const sdkPackage = /[\\/]node_modules[\\/]@(smithy|aws-sdk)[\\/]/;
  const standIns = [
    [/^\.\.?\/stream-type-check$/, join(serde, "util-stream"), "src/aws/stream-type-check.ts"],
    [/^\.\/uuid\/v4$/, serde, "src/aws/uuid-v4.ts"],
  ];
  return {
    name: "lazy-zlib",
    setup(plugin) {
      plugin.onResolve({ filter: /^(node:)?zlib$/ }, (args) =>
        args.importer.endsWith(crc32Module)
          ? { path: resolve(root, "src/aws/lazy-zlib.ts") }
          : undefined,
      );
      // The SDK's packages use node:fs/promises for readFile alone (src/aws/fs-promises.ts): a
      // named import of anything else fails the build, and test/e2e/sdk-bundle.test.ts checks
      // what the bundle uses of the default one.
      plugin.onResolve({ filter: /^(node:)?fs\/promises$/ }, (args) =>
        args.kind === "import-statement" && sdkPackage.test(args.importer)
          ? { path: resolve(root, "src/aws/fs-promises.ts") }
          : undefined,
      );
      for (const [filter, folder, file] of standIns) {
        plugin.onResolve({ filter }, (args) =>
          args.importer.includes(join("@smithy", "core", "dist-es")) &&
          args.importer.includes(folder)
            ? { path: resolve(root, file) }
            : undefined,
        );
      }
    },
  };
}

/** The names of `const { A, B } = await import("pkg")` in a file; any other form fails the build. */
function importedNames(file, pkg) {
  const text = readFileSync(file, "utf8");
  const quoted = JSON.stringify(pkg).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const pattern = new RegExp(`const \\{([^}]*)\\} = await import\\(\\s*${quoted},?\\s*\\)`, "g");
  const matches = [...text.matchAll(pattern)];
  const imports = text.match(new RegExp(`import\\(\\s*${quoted}`, "g")) ?? [];
  if (matches.length !== imports.length) {
    throw new Error(`${file}: write import("${pkg}") as const { ... } = await import("${pkg}")`);
  }
  const names = matches.flatMap((match) =>
    (match[1] ?? "").split(",").map((part) => part.split(":")[0]?.trim() ?? ""),
  );
  return names.filter((name) => name !== "");
}

/**
 * The module of an SDK package's ES build that defines `name`. Bundled as CommonJS, a package's
 * index initialises every module it re-exports (all commands and models of a client, every
 * credential provider and their clients); the defining module initialises only what it needs.
 * The SDK is pinned in package-lock.json; a name that moves fails the build here.
 */
function definingModule(pkg, name) {
  const root = join("node_modules", pkg, "dist-es");
  const definition = new RegExp(`^export (?:class|const|function|async function) ${name}\\b`, "m");
  const found = readdirSync(root, { recursive: true })
    .filter((file) => String(file).endsWith(".js"))
    .find((file) => definition.test(readFileSync(join(root, String(file)), "utf8")));
  if (found === undefined) throw new Error(`${pkg}: no module of dist-es defines ${name}`);
  return `./${join(root, String(found))}`;
}

/**
 * Every dynamic import() of a bundle becomes a file of its own, loaded when first asked for:
 * `@aws-sdk/*` packages a package of the SDK bundle (`sdkPath#package`, see sdkBundle), any
 * other module an entry that `lazy` collects (output name → module), at `lazyPath(name)`,
 * unless `inline` names it (a src file): then it stays in the bundle, initialised when first
 * imported. Node built-ins stay import()s of themselves.
 */
export function lazyImports({ lazy, sdkPackages, sdkPath, lazyPath, inline = new Set() }) {
  return {
    name: "lazy-imports",
    setup(plugin) {
      plugin.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== "dynamic-import" || args.path.startsWith("node:")) return undefined;
        if (args.path.startsWith("@aws-sdk/")) {
          const names = sdkPackages.get(args.path) ?? new Set();
          for (const name of importedNames(args.importer, args.path)) names.add(name);
          sdkPackages.set(args.path, names);
          return { path: `${sdkPath}#${args.path}`, external: true };
        }
        let input;
        let name;
        if (args.path.startsWith(".")) {
          input = relative(".", resolve(args.resolveDir, args.path)).replace(/\.js$/, ".ts");
          if (inline.has(input)) return undefined;
          name = input
            .replace(/^src\//, "")
            .replace(/\.ts$/, "")
            .replaceAll("/", "-");
        } else {
          input = args.path;
          name = args.path.replace(/^@/, "").replaceAll("/", "-");
        }
        const known = lazy.get(name);
        if (known !== undefined && known !== input)
          throw new Error(`${name}: ${known} and ${input}`);
        lazy.set(name, input);
        return { path: lazyPath(name), external: true };
      });
    },
  };
}

/**
 * The SDK packages the programs import, as one CommonJS bundle (shared SDK core once) that
 * exports `packages`: a loader per package, each initialising its modules only when called.
 */
export async function sdkBundle(sdkPackages, options) {
  await build({
    ...options,
    bundle: true,
    format: "cjs",
    mainFields: ["module", "main"],
    stdin: {
      contents: `export const packages = {\n${[...sdkPackages.keys()]
        .sort()
        .map((name) => `  ${JSON.stringify(name)}: () => import("sdk:${name}"),`)
        .join("\n")}\n};`,
      resolveDir: ".",
      sourcefile: "aws-sdk.js",
    },
    plugins: [
      lazyZlib(),
      {
        name: "sdk-names",
        setup(plugin) {
          plugin.onResolve({ filter: /^sdk:/ }, (args) => ({ path: args.path, namespace: "sdk" }));
          plugin.onLoad({ filter: /.*/, namespace: "sdk" }, (args) => {
            const name = args.path.slice("sdk:".length);
            const names = [...(sdkPackages.get(name) ?? [])].sort();
            const lines = names.map((n) => `export { ${n} } from "${definingModule(name, n)}";`);
            return { contents: lines.join("\n"), resolveDir: "." };
          });
        },
      },
    ],
  });
}

// The launchers (src/platform/launch.ts, src/exe/launcher.ts) compile the programs with
// vm.Script, whose functions cannot import() on Node 20 (nor in an executable): every import(
// becomes a call of the launcher's import function, or of the program's own when it runs as a
// plain module. `FILE.cjs#NAME` is a package of the SDK bundle; as a plain module the program
// requires it itself, and a Node built-in (`node:x`) too, as the launchers do.
const IMPORT_DEFINITION = `var __ecrVarsImport = globalThis[Symbol.for("ecr-vars.import")] ?? ((specifier) => {
  if (specifier.startsWith("node:")) {
    const loaded = require(specifier);
    return Promise.resolve(Object.create(loaded, { default: { value: loaded, enumerable: true } }));
  }
  const hash = specifier.indexOf("#");
  return hash < 0 ? import(specifier) : require(specifier.slice(0, hash)).packages[specifier.slice(hash + 1)]();
});`;

/** Rewrites a CommonJS bundle's import( to the launcher's import function (above). */
export async function useLauncherImport(file) {
  const text = await readFile(file, "utf8");
  const head = /^(#!.*\n)?("use strict";\n)?/.exec(text)?.[0] ?? "";
  const body = text.slice(head.length).replace(/\bimport\((?=["a-z])/g, "__ecrVarsImport(");
  if (/\bimport\(/.test(body)) throw new Error(`${file}: an import( the build cannot rewrite`);
  // The launchers read these files as latin1, which decodes ASCII as UTF-8 does, with no
  // decoding work; esbuild escapes non-ASCII characters in code.
  if (/[^\0-\x7f]/.test(text)) throw new Error(`${file}: not ASCII`);
  await writeFile(file, `${head}${IMPORT_DEFINITION}\n${body}`);
}
