/**
 * The plugin's cache-miss path: the credential helper's fetch (helper/fetch.ts, through the token
 * cache), with a service account's role assumed by AssumeRoleWithWebIdentity in its place when the
 * request says so. Loaded by `import()` only, so a cache hit never pays for it.
 */

import { assumeRoleWithWebIdentity } from "../credentials/sts-sources.js";
import type { HelperSettings } from "../helper/config.js";
import { type FetchResult, fetchToken } from "../helper/fetch.js";
import type { Redactor } from "../platform/redactor.js";
import { type ServiceAccountRole, serviceAccountCacheConfig } from "./service-account.js";

type Env = Readonly<Record<string, string | undefined>>;

export async function fetchForKubelet(
  settings: HelperSettings,
  env: Env,
  redactor: Redactor,
  clock: (() => Date) | undefined,
  role: ServiceAccountRole | undefined,
): Promise<FetchResult> {
  if (role === undefined) return fetchToken(settings, env, redactor, clock);
  return fetchToken(settings, env, redactor, clock, {
    credentials: (context) => () =>
      assumeRoleWithWebIdentity(
        { roleArn: role.roleArn, token: role.token, sessionName: role.sessionName },
        context,
        `service account ${role.name} (AssumeRoleWithWebIdentity ${role.roleArn})`,
      ),
    cache: serviceAccountCacheConfig(role, env),
  });
}
