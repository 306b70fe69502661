// `npm run demo`: the main job end to end on the built-in local AWS emulator. It starts the
// emulator on a loopback port, then runs the built CLI the way a Bamboo Script task on an EC2 agent
// would: credentials from the instance role (IMDSv2), a role assumed on top, the region from a
// Bamboo variable, and a properties file for the "Inject Bamboo variables" task.

import { execFile } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { createEmulator } from "../dist/emulator.mjs";

const run = promisify(execFile);
const outDir = join(process.cwd(), "demo-output");
await mkdir(outDir, { recursive: true });

const emulator = await createEmulator({ instanceRole: { roleName: "bamboo-agent" } });
const env = {
  PATH: process.env.PATH ?? "",
  HOME: outDir,
  // Nothing of this machine's own AWS set-up takes part in the demo.
  AWS_CONFIG_FILE: join(outDir, "no-aws-config"),
  AWS_SHARED_CREDENTIALS_FILE: join(outDir, "no-aws-credentials"),
  AWS_ENDPOINT_URL: emulator.url,
  AWS_EC2_METADATA_SERVICE_ENDPOINT: emulator.url,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  bamboo_awsRegion: "eu-west-1",
  bamboo_buildResultKey: "DEMO-PLAN-JOB1-1",
};

const step = async (title, args) => {
  process.stdout.write(`\n$ ${title}\n`);
  process.stdout.write(
    `  ecr-vars ${args.map((a) => (/[\s${}]/.test(a) ? `'${a}'` : a)).join(" ")}\n\n`,
  );
  try {
    const { stderr } = await run(process.execPath, ["dist/ecr-vars.cjs", ...args], { env });
    process.stdout.write(stderr);
  } catch (error) {
    process.stdout.write(error.stderr ?? String(error));
    throw error;
  }
};

try {
  process.stdout.write(`ecr-vars demo: local AWS emulator (ECR, STS, IMDSv2) on ${emulator.url}\n`);
  const properties = join(outDir, "ecr.properties");
  await step("A Bamboo Script task on an EC2 agent, assuming a push role:", [
    "--description",
    "push to ECR",
    "--source",
    "instance-role",
    "--role-arn",
    "arn:aws:iam::123456789012:role/ecr-push",
    "--region-variable",
    "${bamboo.awsRegion}",
    "--registry-id",
    "123456789012",
    "--format",
    "bamboo",
    "--output",
    properties,
  ]);
  const keys = (await readFile(properties, "utf8"))
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => line.slice(0, line.indexOf("=")));
  process.stdout.write(`\n${relative(process.cwd(), properties)} holds: ${keys.join(", ")}\n`);

  const exports = join(outDir, "ecr.env");
  await step("The same variables as shell exports for a later script:", [
    "--source",
    "instance-role",
    "--region",
    "eu-west-1",
    "--format",
    "sh",
    "--quiet",
    "--output",
    exports,
  ]);
  process.stdout.write(
    `Wrote ${relative(process.cwd(), exports)}; load it with: . ${relative(process.cwd(), exports)}\n`,
  );

  process.stdout.write("\nAWS calls the emulator saw:\n");
  for (const request of emulator.requests) {
    process.stdout.write(
      `  ${request.service.toUpperCase()} ${request.action} ${request.region ?? ""} -> ${request.status}${request.identityArn ? ` as ${request.identityArn}` : ""}\n`,
    );
  }
} finally {
  await emulator.close();
}
