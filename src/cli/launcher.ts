/**
 * The bin dist/ecr-vars.cjs: runs the CLI's program, dist/ecr-vars-main.cjs, from a V8 code cache
 * (src/platform/launch.ts has their format and rules), and is the program's import(). Node
 * compiles a bin from source on every start, and each of its functions on the first call: this
 * one bundles only what reads, verifies and runs programs. Writing a code cache — when none
 * served, the first run on each Node version and flags, or in the build's training runs — is in
 * dist/ecr-vars-launch.cjs, loaded only then. A repeated `--cache` run is answered from its
 * replay record, without the program (src/platform/replay.ts, README "Start-up").
 */

import { join } from "node:path";
import { cacheDir } from "../cache/dir.js";
import type * as Launch from "../platform/launch.js";
import { compileProgram, installImport, startProgram } from "../platform/launch.js";
import { replayed } from "../platform/replay.js";

const userCacheDir = () => cacheDir(process.env);
const options: Launch.LaunchOptions = {
  cacheDir: userCacheDir,
  require,
  cacheWriter: (file, compiled) =>
    (require("./ecr-vars-launch.cjs") as typeof Launch).cacheAtExit(file, compiled),
};
const program = join(__dirname, "ecr-vars-main.cjs");
const argv = process.argv.slice(2);
// Only --cache runs are recorded. A replay holds the record's secrets in memory: no inspector
// on SIGUSR1 (see src/cli/bin.ts).
const cached = argv.includes("--cache");
if (cached) process.on("SIGUSR1", () => undefined);
const replay = cached && replayed(program, { env: process.env, argv, cacheDir: userCacheDir });
if (!replay) {
  installImport(__dirname, options);
  startProgram(program, compileProgram(program, options), options);
}
