/** One run of the task: resolve, obtain credentials, fetch ECR authorizations, build variables. */

import { type FetchedAuthorization, fetchAuthorizations } from "../aws/ecr.js";
import { EcrVarsError } from "../core/errors.js";
import type { Env } from "../core/expressions.js";
import type { FieldLabel, TaskConfig } from "../core/task.js";
import { buildVariables, decodeAuthorizationToken, type Variable } from "../core/variables.js";
import type { AwsCallOptions, CredentialProvider } from "../credentials/types.js";
import type { Logger } from "../platform/logger.js";
import type { Redactor } from "../platform/redactor.js";
import { connectorsFilePath, resolveCredentials, resolveRegion } from "./resolve.js";

export interface RunTaskInit {
  readonly task: TaskConfig;
  readonly env: Env;
  readonly label: FieldLabel;
  readonly redactor: Redactor;
  readonly logger: Logger;
  /** `--connectors`; otherwise ECR_VARS_CONNECTORS or the default location. */
  readonly connectorsPath?: string;
  /** Overall deadline for the AWS work, in milliseconds. */
  readonly timeoutMs: number;
  /** How authorizations are obtained; the token cache (`--cache`) wraps ECR here. */
  readonly authorize?: Authorize;
}

export interface AuthorizeRequest {
  readonly call: AwsCallOptions;
  readonly region: string;
  readonly credentials: CredentialProvider;
  readonly registryIds: readonly string[];
}

/** Authorizations for a request; `source` replaces the credentials' provenance (a cache hit). */
export type Authorize = (request: AuthorizeRequest) => Promise<{
  readonly authorizations: FetchedAuthorization[];
  readonly source?: string;
}>;

const fetchFromEcr: Authorize = async (request) => ({
  authorizations: await fetchAuthorizations(request),
});

export type TaskOutcome =
  | { readonly kind: "disabled" }
  | {
      readonly kind: "fetched";
      readonly region: string;
      /** Provenance of the credentials used, e.g. `connector "ci-user" (access-keys)`. */
      readonly source: string;
      readonly authorizations: readonly FetchedAuthorization[];
      readonly variables: readonly Variable[];
    };

export async function runTask(init: RunTaskInit): Promise<TaskOutcome> {
  const { task, logger } = init;
  if (task.disabled) return { kind: "disabled" };

  const region = resolveRegion(task, init.env, init.label);
  const call: AwsCallOptions = {
    region,
    maxAttempts: 3,
    attemptTimeoutMs: Math.min(10_000, Math.max(1_000, Math.floor(init.timeoutMs / 2))),
  };
  const resolved = await resolveCredentials({
    task,
    env: init.env,
    label: init.label,
    connectorsPath: connectorsFilePath(init.connectorsPath, init.env),
    context: { env: init.env, call },
  });
  const credentials = masked(resolved, init.redactor);

  const fetched = await withDeadline(
    init.timeoutMs,
    (init.authorize ?? fetchFromEcr)({ call, region, credentials, registryIds: task.registryIds }),
  );
  const { authorizations } = fetched;
  // Mask first: every secret is known to the redactor before it is rendered or logged.
  for (const auth of authorizations) {
    init.redactor.add(auth.authorizationToken);
    init.redactor.add(decodeAuthorizationToken(auth.authorizationToken).password);
  }
  const [first] = authorizations;
  if (first === undefined) throw new Error("fetchAuthorizations returned no registry");
  const variables = buildVariables(first, task.namespace);
  if (authorizations.length > 1) {
    for (const auth of authorizations) {
      variables.push(
        ...buildVariables(auth, task.namespace, { registryId: auth.registryId, region }),
      );
    }
  }
  for (const variable of variables) if (variable.secret) init.redactor.add(variable.value);
  // On a cache hit no credentials were resolved, and none need to be now.
  const source = fetched.source ?? (await credentials()).source;
  logger.debug(`fetched ${authorizations.length} authorization(s) in ${region} with ${source}`);
  return { kind: "fetched", region, source, authorizations, variables };
}

/** Registers the secret parts of credentials with the redactor as soon as they exist. */
function masked(provider: CredentialProvider, redactor: Redactor): CredentialProvider {
  let memo: ReturnType<CredentialProvider> | undefined;
  return () => {
    memo ??= provider().then((credentials) => {
      redactor.add(credentials.secretAccessKey);
      redactor.add(credentials.sessionToken);
      return credentials;
    });
    return memo;
  };
}

function withDeadline<T>(timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new EcrVarsError({
            kind: "aws",
            code: "AWS_TIMEOUT",
            message: `no answer from AWS within ${Math.round(timeoutMs / 1000)} s`,
            hint: "check network access to the AWS endpoints, or raise --timeout",
          }),
        ),
      timeoutMs,
    );
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
