/** The Action's `main` entry (bundled to action/main.cjs): runs the main step in this process. */

import * as core from "@actions/core";
import { runMain } from "./main.js";

// The SDK warns on every run that its Node support ends; it says nothing to a workflow's author.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

void runMain(core, process.env);
