/**
 * The bin dist/ecr-vars.cjs: turns on Node's module compile cache, then runs the program
 * (dist/cli.cjs, cli/bin.ts). Node compiles a bin itself from source on every start, so this
 * file stays small; everything it requires after that starts from the compile cache.
 */

import { cacheDir } from "../cache/dir.js";
import { enableCompileCache } from "../platform/compile-cache.js";

enableCompileCache(() => cacheDir(process.env));
require("./cli.cjs");
