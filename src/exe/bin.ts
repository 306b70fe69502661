/**
 * Entry program of the standalone executables (`npm run build:exe`, scripts/build-exe.mjs),
 * run by their launcher (src/exe/launcher.ts): it loads the bin the executable's name selects
 * (src/exe/program.ts). Each import() here, as in the programs it loads, is a program of its
 * own among the executable's assets.
 */

import { HELPER_NAME, programFor } from "./program.js";

// process.argv[0] is the resolved executable; argv0 keeps the name it was started under.
if (programFor(process.argv0) === HELPER_NAME) {
  // The helper's miss path is an asset rather than a file beside it; the helper
  // (src/helper/bin.ts) takes its loader from this well-known symbol when one is set.
  (globalThis as Record<symbol, unknown>)[Symbol.for("ecr-vars.helper-fetch")] = () =>
    import("../helper/fetch.js");
  void import("../helper/bin.js");
} else {
  void import("../cli/bin.js");
}
