/**
 * The bin dist/ecr-vars.cjs: runs the CLI's program, dist/ecr-vars-main.cjs, from a V8 code cache
 * (src/platform/launch.ts has their format and rules). Only what nearly every run needs is
 * bundled here — read the program and a cache, verify, compile, run — because Node compiles a
 * bin from source on every start, and each of its functions on the first call: when the bin held
 * all of launch.ts, that cost a cache hit about a millisecond (README "Start-up"). The rest —
 * writing a cache when none served, the build's training runs, the program's import() — is
 * launch.ts again, bundled whole as dist/ecr-vars-launch.cjs and loaded only then.
 */

import { join } from "node:path";
import { cacheDir } from "../cache/dir.js";
import type * as Launch from "../platform/launch.js";
import { compileProgram, IMPORT, runWrapped, TRACE, TRAIN } from "../platform/launch.js";

/** dist/ecr-vars-launch.cjs: launch.ts. */
const launcher = () => require("./ecr-vars-launch.cjs") as typeof Launch;

const program = join(__dirname, "ecr-vars-main.cjs");
const env = process.env;
const options: Launch.LaunchOptions = { cacheDir: () => cacheDir(env), require };

if (env[TRAIN] !== undefined) {
  launcher().launch(program, options);
} else {
  const compiled = compileProgram(program, options);
  if (!compiled.served || compiled.partial) {
    // A cache to write at exit.
    launcher().installImport(__dirname, options);
    launcher().startProgram(program, compiled, options);
  } else {
    if (env[TRACE] === "1")
      process.stderr.write(`code cache: ecr-vars-main.cjs: ${compiled.state}\n`);
    // The program's import() (the AWS SDK, the subcommands): launch.ts's, set up on first use.
    (globalThis as Record<symbol, unknown>)[IMPORT] = (specifier: string) => {
      launcher().installImport(__dirname, options);
      return (globalThis as Record<symbol, (specifier: string) => unknown>)[IMPORT]?.(specifier);
    };
    runWrapped(compiled.script, program, __dirname, require);
  }
}
