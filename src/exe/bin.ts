/**
 * The main script of the standalone executables (`npm run build:exe`, scripts/build-exe.mjs):
 * one CommonJS bundle holding every program, each initialised only when the name the executable
 * was started under selects it (src/exe/program.ts). What a program imports dynamically (its
 * subcommands, the YAML parser, the AWS SDK) is in the bundle too, initialised when first
 * imported.
 */

import { HELPER_NAME, KUBELET_NAME, programFor } from "./program.js";

// process.argv[0] is the resolved executable; argv0 keeps the name it was started under.
const program = programFor(process.argv0);
if (program === HELPER_NAME) void import("../helper/bin.js");
else if (program === KUBELET_NAME) void import("../kubelet/bin.js");
else void import("../cli/bin.js");
