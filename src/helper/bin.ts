#!/usr/bin/env node

/** Entry point of `docker-credential-ecr-vars`: the only helper module that touches the process. */

import { VERSION } from "../version.js";
import { runHelper } from "./main.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const stdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

const code = await runHelper({
  argv: process.argv.slice(2),
  env: process.env,
  stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  version: VERSION,
});
process.stdout.write("", () => process.exit(code));
