/**
 * `ecr-vars logout [--format NAME] [--output FILE]`: removes from a Docker config / containers
 * auth file (or Helm's or kaniko's, docs/clients.md) exactly the entries ecr-vars wrote there (and
 * that nobody has replaced since), under the file's lock.
 */

import { ExitCode, optionsError } from "../core/errors.js";
import { removeOurEntries } from "../emit/docker-config.js";
import { renderers } from "../emit/registry.js";
import { authFilePath, readConfigText, updateConfigFile } from "../platform/docker-config-file.js";
import type { CommandContext } from "./io.js";

export async function runLogoutCommand(context: CommandContext): Promise<number> {
  const { io, values, logger } = context;
  const format = typeof values.format === "string" ? values.format : "docker-config";
  const fileFormats = renderers.filter((r) => r.defaultOutput.kind === "auth-file");
  const renderer = fileFormats.find((r) => r.name === format);
  if (renderer === undefined || renderer.defaultOutput.kind !== "auth-file") {
    throw optionsError([
      {
        field: "--format",
        message: `"${format}" is not a format that writes an auth file`,
        hint: `use one of: ${fileFormats.map((r) => r.name).join(", ")}`,
      },
    ]);
  }
  const path =
    typeof values.output === "string"
      ? values.output
      : authFilePath(renderer.defaultOutput.client ?? "docker", io.env);
  if ((await readConfigText(path)) === undefined) {
    logger.info(`ecr-vars logout: ${path} does not exist; nothing to remove.`);
    return ExitCode.ok;
  }
  const { removed } = await updateConfigFile(path, (text) => removeOurEntries(text, path));
  if (removed.length === 0) logger.info(`ecr-vars logout: no entries of ecr-vars in ${path}.`);
  else logger.info(`ecr-vars logout: removed from ${path}: ${removed.join(", ")}`);
  return ExitCode.ok;
}
