#!/usr/bin/env node

/**
 * `ecr-vars-emulator`: runs the local AWS emulator until SIGINT/SIGTERM. Secrets go only to the
 * 0600 `--env-out` file; the terminal sees the URL and nothing else. There is no `--env-file`:
 * Node itself claims that option anywhere on its command line (20 to 26 alike), exits when the
 * file does not exist yet and loads it when it does, before this program starts.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { INTERNAL_ERROR_ADVICE, isEcrVarsError } from "../core/errors.js";
import { isRegion } from "../core/region.js";
import { writeSecretFile } from "../platform/write-file.js";
import { VERSION } from "../version.js";
import { createEmulator } from "./server.js";
import type { EmulatorOptions } from "./types.js";

const HELP = `Usage: ecr-vars-emulator [options]

Local, loopback-only stand-in for Amazon ECR, AWS STS and EC2 instance metadata (IMDSv2).

Options:
  --host HOST            loopback address to listen on (default 127.0.0.1)
  --port PORT            port, 0 for any free one (default 0)
  --account-id ID        12-digit account of the generated IAM user (default 123456789012)
  --region CODE          AWS_REGION written to the env file (default us-east-1)
  --env-out PATH         write AWS_* settings for the generated user here (mode 0600)
  --password-file PATH   registry password that ECR tokens carry (default: random)
  -h, --help             show this help
  -V, --version          print the version
`;

class UsageProblem extends Error {}

async function readPassword(path: string): Promise<string> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new UsageProblem(`cannot read --password-file ${path}: ${error.code ?? "read failed"}`);
  });
  const password = text.replace(/\r?\n$/, "");
  if (password === "") throw new UsageProblem(`--password-file ${path} is empty`);
  return password;
}

async function main(argv: readonly string[]): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageProblem((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? "0") || port > 65_535) {
    throw new UsageProblem(`--port ${values.port} is not a port number`);
  }
  const region = values.region ?? "us-east-1";
  if (!isRegion(region)) throw new UsageProblem(`--region ${region} is not a region code`);

  const options: EmulatorOptions = {
    port,
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values["account-id"] === undefined ? {} : { accountId: values["account-id"] }),
    ...(values["password-file"] === undefined
      ? {}
      : { password: await readPassword(values["password-file"]) }),
  };
  const emulator = await createEmulator(options);
  const stop = (): void => {
    void emulator.close().finally(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  // --env-file reaches here only past Node (`node -- bin --env-file F`): kept as an alias.
  const envFile = values["env-out"] ?? values["env-file"];
  if (envFile !== undefined) {
    const lines = [
      `AWS_ACCESS_KEY_ID=${emulator.defaultUser.accessKeyId}`,
      `AWS_SECRET_ACCESS_KEY=${emulator.defaultUser.secretAccessKey}`,
      `AWS_ENDPOINT_URL=${emulator.url}`,
      `AWS_EC2_METADATA_SERVICE_ENDPOINT=${emulator.url}`,
      `AWS_REGION=${region}`,
    ];
    try {
      await writeSecretFile(envFile, `${lines.join("\n")}\n`);
    } catch (error) {
      await emulator.close();
      throw error;
    }
  }
  process.stderr.write(`ecr-vars emulator listening on ${emulator.url}\n`);
  return -1;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      "account-id": { type: "string" },
      region: { type: "string" },
      "env-file": { type: "string" },
      "env-out": { type: "string" },
      "password-file": { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "V" },
    },
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    // -1: the server is running and the process lives until a signal stops it.
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageProblem) {
      process.stderr.write(`ecr-vars-emulator: ${error.message}\nTry --help.\n`);
      process.exitCode = 2;
    } else if (isEcrVarsError(error)) {
      const hint = error.hint === undefined ? "" : ` (${error.hint})`;
      process.stderr.write(`ecr-vars-emulator: ${error.message}${hint}\n`);
      process.exitCode = error.exitCode;
    } else {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(
        `ecr-vars-emulator: internal error: ${message}\n  ${INTERNAL_ERROR_ADVICE}\n`,
      );
      process.exitCode = 1;
    }
  },
);
