/** `--cache` for a task: its cache configuration, resolved like the run resolves it. */

import type { Env } from "../core/expressions.js";
import { resolveExpression } from "../core/expressions.js";
import type { TaskConfig } from "../core/task.js";
import type { Logger } from "../platform/logger.js";
import type { Authorize } from "../task/authorize.js";
import { cachedAuthorize } from "./authorize.js";
import { cacheConfigFor } from "./config.js";
import { cacheDir } from "./store.js";

export async function taskCacheAuthorize(init: {
  readonly task: TaskConfig;
  readonly env: Env;
  readonly connectorsPath: string;
  readonly logger: Logger;
}): Promise<Authorize> {
  const { task } = init;
  let connector: string | undefined;
  let profile: string | undefined;
  if (task.source.kind === "connector") {
    const setting = task.source.connector;
    if (setting.kind === "ref") connector = setting.ref;
    else if (setting.kind === "profile") profile = setting.profile;
    else {
      // An unresolvable variable fails the run itself, with its own message; key on the text.
      const resolved = resolveExpression(setting.expression, init.env);
      connector = resolved.ok ? resolved.value : setting.expression;
    }
  }
  const config = cacheConfigFor(
    {
      source: profile === undefined ? task.source.kind : "profile",
      ...(profile === undefined ? {} : { profile }),
      ...(connector === undefined ? {} : { connector, connectorsPath: init.connectorsPath }),
      ...(task.roleArn === undefined ? {} : { roleArn: task.roleArn }),
    },
    init.env,
  );
  return cachedAuthorize({
    dir: cacheDir(init.env),
    env: init.env,
    config,
    ...(connector === undefined
      ? {}
      : { connector: { path: init.connectorsPath, ref: connector } }),
    logger: init.logger,
  });
}
