/** The Action's `post` entry (bundled to action/post.cjs): runs when the job ends. */

import * as core from "@actions/core";
import { runPost } from "./post.js";

void runPost(core, process.env);
