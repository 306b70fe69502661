/**
 * The Action's post step, run when the job ends: logs out of exactly the registries the main
 * step logged in to (unless `skip-logout`), removes the Docker config entries it wrote, and
 * removes its temporary directory. Nothing else is touched.
 */

import { rm } from "node:fs/promises";
import type { Env } from "../core/expressions.js";
import { removeOurEntries } from "../emit/docker-config.js";
import { readConfigText, updateConfigFile } from "../platform/docker-config-file.js";
import { createLogger } from "../platform/logger.js";
import { Redactor } from "../platform/redactor.js";
import { findDocker, runDocker } from "./docker.js";
import { type ActionCore, reportFailure, type SavedLogins, STATE } from "./toolkit.js";

export async function runPost(core: ActionCore, env: Env): Promise<void> {
  const redactor = new Redactor();
  const logger = createLogger({
    stream: { write: (text: string) => process.stdout.write(text) },
    redactor,
  });
  try {
    const temp = core.getState(STATE.temp);
    if (temp !== "") await rm(temp, { recursive: true, force: true });

    const saved = core.getState(STATE.logins);
    if (saved === "") return;
    const logins = JSON.parse(saved) as SavedLogins;
    if (core.getState(STATE.skipLogout) === "true") {
      logger.info(`skip-logout: keeping the logins for ${logins.hosts.join(", ")}.`);
      return;
    }
    if (logins.method === "file") {
      if ((await readConfigText(logins.path)) === undefined) return;
      const { removed } = await updateConfigFile(logins.path, (text) =>
        removeOurEntries(text, logins.path),
      );
      logger.info(
        removed.length === 0
          ? `No entries of ecr-vars left in ${logins.path}.`
          : `Removed from ${logins.path}: ${removed.join(", ")}`,
      );
      return;
    }
    const docker = await findDocker(env);
    if (docker === undefined) {
      logger.warn(`no docker CLI on PATH any more; cannot log out of ${logins.hosts.join(", ")}`);
      return;
    }
    const failed: string[] = [];
    for (const host of logins.hosts) {
      const run = await runDocker(docker, ["logout", host], env);
      // docker says "Not logged in to HOST" when there was nothing to remove (another step
      // logged out already): reported as that, not as a logout this step performed.
      if (run.code === 0 && /not logged in/i.test(run.output))
        logger.info(`Not logged in to ${host} any more: nothing to log out of.`);
      else if (run.code === 0) logger.info(`Logged out of ${host}.`);
      else {
        failed.push(host);
        logger.warn(`docker logout ${host} failed (exit ${run.code}): ${run.output}`);
      }
    }
    if (failed.length > 0) core.setFailed(`could not log out of ${failed.join(", ")}`);
  } catch (error) {
    reportFailure(error, core, redactor, logger);
  }
}
