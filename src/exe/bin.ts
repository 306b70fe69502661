/**
 * Entry point of the standalone executables (`npm run build:exe`, scripts/build-exe.mjs): the
 * main script of a Node single executable application, a CommonJS bundle holding the CLI, the
 * credential helper and every module either may load, because such a script can require
 * built-ins only. It runs the bin the executable's name selects (src/exe/program.ts).
 */

import { HELPER_NAME, programFor } from "./program.js";

// process.argv[0] is the resolved executable; argv0 keeps the name it was started under.
if (programFor(process.argv0) === HELPER_NAME) {
  // The helper's miss path is bundled here rather than loaded from a file beside it; the helper
  // (src/helper/bin.ts) takes its loader from this well-known symbol when one is set.
  (globalThis as Record<symbol, unknown>)[Symbol.for("ecr-vars.helper-fetch")] = () =>
    import("../helper/fetch.js");
  void import("../helper/bin.js");
} else {
  void import("../cli/bin.js");
}
