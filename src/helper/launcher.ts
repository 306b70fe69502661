/**
 * The bin dist/docker-credential-ecr-vars.cjs: turns on Node's module compile cache, then runs
 * the helper (dist/helper.cjs, helper/bin.ts), as the ecr-vars bin does (cli/launcher.ts).
 */

import { cacheDir } from "../cache/dir.js";
import { enableCompileCache } from "../platform/compile-cache.js";

enableCompileCache(() => cacheDir(process.env));
require("./helper.cjs");
