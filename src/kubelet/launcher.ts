/**
 * The bin dist/ecr-vars-kubelet.cjs: turns on Node's module compile cache, then runs the plugin
 * (dist/kubelet.cjs, kubelet/bin.ts), as the ecr-vars bin does (cli/launcher.ts).
 */

import { cacheDir } from "../cache/dir.js";
import { enableCompileCache } from "../platform/compile-cache.js";

enableCompileCache(() => cacheDir(process.env));
require("./kubelet.cjs");
