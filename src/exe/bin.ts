/**
 * The main script of the standalone executables (`npm run build:exe`, scripts/build-exe.mjs):
 * one CommonJS bundle holding both programs, each initialised only when the name the executable
 * was started under selects it (src/exe/program.ts). What a program imports dynamically (its
 * subcommands, the YAML parser, the AWS SDK) is in the bundle too, initialised when first
 * imported.
 */

import { HELPER_NAME, programFor } from "./program.js";

// process.argv[0] is the resolved executable; argv0 keeps the name it was started under.
if (programFor(process.argv0) === HELPER_NAME) void import("../helper/bin.js");
else void import("../cli/bin.js");
