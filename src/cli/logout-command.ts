/**
 * `ecr-vars logout [--output FILE]`: removes from a Docker config / containers auth file exactly
 * the entries ecr-vars wrote there (and that nobody has replaced since), under the file's lock.
 */

import { parseArgs } from "node:util";
import { ExitCode, usageError } from "../core/errors.js";
import { removeOurEntries } from "../emit/docker-config.js";
import {
  defaultDockerConfigPath,
  readConfigText,
  updateConfigFile,
} from "../platform/docker-config-file.js";
import { createLogger } from "../platform/logger.js";
import { Redactor } from "../platform/redactor.js";
import type { CliIo } from "./io.js";
import { reportError } from "./report.js";

export const LOGOUT_USAGE = `USAGE
  ecr-vars logout [--output FILE]

  Removes the auths and credHelpers entries that ecr-vars --format docker-config added to FILE
  [default: $REGISTRY_AUTH_FILE, else $DOCKER_CONFIG/config.json, else ~/.docker/config.json].
  Entries written or changed by anything else stay.
`;

export async function runLogoutCommand(io: CliIo): Promise<number> {
  const redactor = new Redactor();
  const logger = createLogger({ stream: io.stderr, redactor });
  try {
    let values: {
      output?: string | undefined;
      help?: boolean | undefined;
      quiet?: boolean | undefined;
    };
    try {
      values = parseArgs({
        args: io.argv.slice(1),
        options: {
          output: { type: "string", short: "o" },
          help: { type: "boolean", short: "h" },
          quiet: { type: "boolean", short: "q" },
        },
        strict: true,
      }).values;
    } catch (error) {
      throw usageError(
        (error as Error).message.split(". ")[0] ?? "bad arguments",
        "see ecr-vars logout --help",
      );
    }
    if (values.help) {
      io.stdout.write(LOGOUT_USAGE);
      return ExitCode.ok;
    }
    const path = values.output ?? defaultDockerConfigPath(io.env);
    const say = (line: string) => {
      if (!values.quiet) logger.info(line);
    };
    if ((await readConfigText(path)) === undefined) {
      say(`ecr-vars logout: ${path} does not exist; nothing to remove.`);
      return ExitCode.ok;
    }
    const { removed } = await updateConfigFile(path, (text) => removeOurEntries(text, path));
    if (removed.length === 0) say(`ecr-vars logout: no entries of ecr-vars in ${path}.`);
    else say(`ecr-vars logout: removed from ${path}: ${removed.join(", ")}`);
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, { stderr: io.stderr, redactor, logger });
  }
}
