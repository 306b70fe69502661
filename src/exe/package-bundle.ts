/**
 * The package bundles of a standalone executable (`aws-sdk.cjs`, `vendor.cjs`, the same files as
 * the npm package's, see docs/start-up.md) are assets of the executable, not part of its main
 * script: a start reads and prepares only the programs, and a bundle is compiled the first time
 * a program imports one of its packages (a fetch from AWS, a YAML task file, a proxy). Bundles
 * require Node's built-ins only (scripts/build-exe.mjs checks).
 *
 * The executable for the platform of the build also carries, for each bundle, V8's code cache of
 * it (`<name>.code-cache`), which the build makes with the executable's own Node as SEA's
 * `useCodeCache` does for the main script. V8 checks that it matches the source, the Node version
 * and the flags, and compiles from the source when it does not.
 */

import { getAsset } from "node:sea";
import { compileFunction } from "node:vm";

const bundles = new Map<string, Record<string, unknown>>();

/** The exports of the bundle `name` (an asset of the executable), run once. */
export function packageBundle(name: string): Record<string, unknown> {
  let exports = bundles.get(name);
  if (exports === undefined) {
    const module = { exports: {} as Record<string, unknown> };
    const cachedData = codeCache(name);
    // The same parameters as where scripts/build-exe.mjs makes the code cache.
    const run = compileFunction(getAsset(name, "utf8"), ["exports", "require", "module"], {
      filename: name,
      ...(cachedData === undefined ? {} : { cachedData }),
    });
    run(module.exports, require, module);
    exports = module.exports;
    bundles.set(name, exports);
  }
  return exports;
}

function codeCache(name: string): Buffer | undefined {
  try {
    return Buffer.from(getAsset(`${name}.code-cache`));
  } catch {
    // An executable built for another platform than the build's has none.
    return undefined;
  }
}
