/**
 * In a standalone executable the package bundles (`aws-sdk.cjs`, `vendor.cjs`, as in the npm
 * package) are assets, compiled the first time a program imports one of their packages: a start
 * prepares only the programs (docs/start-up.md). The build platform's executable also carries
 * V8's code cache of each, `<name>.code-cache`, made by scripts/build-exe.mjs with the same
 * parameters; V8 compiles from the source when it does not match.
 */

import { getAsset } from "node:sea";
import { compileFunction } from "node:vm";

const bundles = new Map<string, Record<string, unknown>>();

/** The exports of the bundle `name`, run once; a bundle requires Node's built-ins only. */
export function packageBundle(name: string): Record<string, unknown> {
  let exports = bundles.get(name);
  if (exports === undefined) {
    const module = { exports: {} as Record<string, unknown> };
    const cachedData = codeCache(name);
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
    return undefined; // an executable for another platform than the build's
  }
}
