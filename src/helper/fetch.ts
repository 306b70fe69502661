/**
 * The helper's cache-miss path: the same run as `ecr-vars --registry-id ID --region R`, through
 * the token cache (unless disabled). Loaded by `import()` only, so a cache hit never pays for it.
 */

import { cachedAuthorize } from "../cache/authorize.js";
import { cacheConfigFor } from "../cache/config.js";
import type { CacheConfig } from "../cache/key.js";
import { cacheDir } from "../cache/store.js";
import { isEcrVarsError } from "../core/errors.js";
import type { Env } from "../core/expressions.js";
import type { TaskConfig } from "../core/task.js";
import { DEFAULT_NAMESPACE } from "../core/variables.js";
import { createLogger } from "../platform/logger.js";
import type { Redactor } from "../platform/redactor.js";
import { connectorsFilePath } from "../task/resolve.js";
import { runTask, type TaskCredentials } from "../task/run.js";
import type { HelperSettings } from "./config.js";

/** How the helper chooses another credential source: it has no flags, only settings. */
export const HELPER_OTHER_SOURCES =
  "ECR_VARS_SOURCE=instance-role, or ECR_VARS_CONNECTOR=NAME with a connectors file (ECR_VARS_CONNECTORS), or the helper config file (docs/docker.md)";

export type FetchResult =
  | { readonly ok: true; readonly authorizationToken: string; readonly expiresAt: Date }
  /** `noCredentials`: no source had credentials (for ECR Public: pull anonymously instead). */
  | { readonly ok: false; readonly message: string; readonly noCredentials?: boolean };

/** The task's credential source for the settings: a profile is a connector given in place. */
export function taskSourceOf(settings: HelperSettings): TaskConfig["source"] {
  if (settings.source === "connector" && settings.connector !== undefined)
    return { kind: "connector", connector: { kind: "ref", ref: settings.connector } };
  if (settings.source === "profile" && settings.profile !== undefined)
    return { kind: "connector", connector: { kind: "profile", profile: settings.profile } };
  return { kind: settings.source === "instance-role" ? "instance-role" : "default-chain" };
}

/**
 * Credentials handed over with a request instead of the settings' source and role (the kubelet
 * plugin's service-account token), and the token-cache configuration they are kept under.
 */
export interface IdentityOverride {
  readonly credentials: TaskCredentials;
  readonly cache: Omit<CacheConfig, "region" | "registryId">;
}

export async function fetchToken(
  settings: HelperSettings,
  env: Env,
  redactor: Redactor,
  clock?: () => Date,
  override?: IdentityOverride,
): Promise<FetchResult> {
  const source = taskSourceOf(settings);
  // An override replaces the role too: its credentials are final.
  const roleArn = override === undefined ? settings.roleArn : undefined;
  const identity = { source, ...(roleArn === undefined ? {} : { roleArn }) };
  const common = {
    disabled: false,
    namespace: DEFAULT_NAMESPACE,
    scope: "local",
    source,
    ...(roleArn === undefined ? {} : { roleArn }),
  } as const;
  const task: TaskConfig =
    settings.publicHost === undefined
      ? {
          ...common,
          region: { kind: "code", region: settings.region },
          registryIds: [settings.registryId],
        }
      : {
          ...common,
          registryIds: [],
          registries: [
            { kind: "public", host: settings.publicHost, identity, label: settings.publicHost },
          ],
        };
  // Warnings (e.g. an unwritable cache) must not reach stdout, which carries the answer.
  const logger = createLogger({ stream: { write: () => undefined }, redactor });
  const connectorsPath = connectorsFilePath(settings.connectorsPath, env);
  try {
    const outcome = await runTask({
      task,
      env,
      label: (key) => `helper setting ${key}`,
      redactor,
      logger,
      connectorsPath,
      timeoutMs: 30_000,
      timeoutHint: "check network access to the AWS endpoints (the helper waits at most 30 s)",
      otherSources: HELPER_OTHER_SOURCES,
      ...(override === undefined ? {} : { credentials: override.credentials }),
      ...(settings.cache
        ? {
            authorize: cachedAuthorize({
              dir: cacheDir(env),
              env,
              config: override?.cache ?? cacheConfigFor({ ...settings, connectorsPath }, env),
              ...(settings.source === "connector" && settings.connector !== undefined
                ? { connector: { path: connectorsPath, ref: settings.connector } }
                : {}),
              logger,
              ...(clock === undefined ? {} : { clock }),
            }),
          }
        : {}),
    });
    const first = outcome.kind === "fetched" ? outcome.authorizations[0] : undefined;
    if (first === undefined) return { ok: false, message: "ECR returned no authorization" };
    // A client would store and use it until the registry refuses it: better to fail now.
    const now = clock?.() ?? new Date();
    if (first.expiresAt.getTime() <= now.getTime()) {
      return {
        ok: false,
        message: `ECR GetAuthorizationToken in ${settings.region} returned a token that expired at ${first.expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z")} (fix: check the clock of this machine and that the endpoint is Amazon ECR)`,
      };
    }
    return { ok: true, authorizationToken: first.authorizationToken, expiresAt: first.expiresAt };
  } catch (error) {
    if (!isEcrVarsError(error)) throw error;
    const hint = error.hint ? ` (fix: ${error.hint})` : "";
    const problems = error.problems.map((p) => `\n  ${p.field}: ${p.message}`).join("");
    return {
      ok: false,
      message: redactor.redact(`${error.message}${hint}${problems}`),
      ...(error.kind === "credentials" ? { noCredentials: true } : {}),
    };
  }
}
