/**
 * `ecr-vars logout [--output FILE]`: removes from a Docker config / containers auth file exactly
 * the entries ecr-vars wrote there (and that nobody has replaced since), under the file's lock.
 */

import { ExitCode } from "../core/errors.js";
import { removeOurEntries } from "../emit/docker-config.js";
import {
  defaultDockerConfigPath,
  readConfigText,
  updateConfigFile,
} from "../platform/docker-config-file.js";
import type { CommandContext } from "./io.js";

export async function runLogoutCommand(context: CommandContext): Promise<number> {
  const { io, values, logger } = context;
  const path = typeof values.output === "string" ? values.output : defaultDockerConfigPath(io.env);
  if ((await readConfigText(path)) === undefined) {
    logger.info(`ecr-vars logout: ${path} does not exist; nothing to remove.`);
    return ExitCode.ok;
  }
  const { removed } = await updateConfigFile(path, (text) => removeOurEntries(text, path));
  if (removed.length === 0) logger.info(`ecr-vars logout: no entries of ecr-vars in ${path}.`);
  else logger.info(`ecr-vars logout: removed from ${path}: ${removed.join(", ")}`);
  return ExitCode.ok;
}
