/** One run of the task: resolve, obtain credentials, fetch ECR authorizations, build variables. */

import { CallWatch, describeAttempt } from "../aws/attempts.js";
import type { AwsCallOptions } from "../aws/call.js";
import { ecrEndpointOverridden, type FetchedAuthorization } from "../aws/ecr.js";
import { attemptLimits, lazyHttpSettings } from "../aws/http.js";
import type { CredentialProvider } from "../core/credentials.js";
import type { Env } from "../core/expressions.js";
import { partitionOf } from "../core/region.js";
import {
  type CallGroup,
  hostOf,
  identityKey,
  nameSegment,
  type Registry,
  type RegistrySummary,
  registrySpecsOf,
  resolveRegistries,
} from "../core/registries.js";
import type { FieldLabel, TaskConfig } from "../core/task.js";
import {
  buildVariables,
  checkAuthorizationSize,
  decodeAuthorizationToken,
  endpointDomain,
  formatExpiry,
  type Variable,
} from "../core/variables.js";
import type { SourceContext } from "../credentials/sources.js";
import { withDeadline } from "../platform/deadline.js";
import type { Logger } from "../platform/logger.js";
import type { Redactor } from "../platform/redactor.js";
import { type Authorize, fetchFromEcr } from "./authorize.js";
import { cachedGroups, fetchGroups, type GroupFetchInit } from "./fetch.js";
import { connectorsFilePath, identityResolver, resolveRegion } from "./resolve.js";

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
  /** The fix the deadline's error suggests; default: check network access, or raise --timeout. */
  readonly timeoutHint?: string;
  /** How the printing program chooses another credential source, for advice (aws/errors.ts). */
  readonly otherSources?: string;
  /** How authorizations are obtained; the token cache (`--cache`) wraps ECR here. */
  readonly authorize?: Authorize;
  /**
   * The task identity's credentials from this provider instead of its source and role: a
   * credential the caller was handed with the request (the kubelet plugin's service-account
   * token, docs/kubernetes.md).
   */
  readonly credentials?: TaskCredentials;
}

/** Builds the task identity's provider for one partition's call options. */
export type TaskCredentials = (context: SourceContext) => CredentialProvider;

export type TaskOutcome =
  | { readonly kind: "disabled" }
  | {
      readonly kind: "fetched";
      /** The task's region, or the first registry's when the task names none. */
      readonly region: string;
      /** Where the task's region came from (`--region`, `AWS_REGION`, ...); undefined: hosts. */
      readonly regionOrigin: string | undefined;
      /** Provenance of the credentials used, e.g. `connector "ci-user" (access-keys)`. */
      readonly source: string;
      /** One per registry, in the task's order. */
      readonly authorizations: readonly FetchedAuthorization[];
      readonly registries: readonly RegistrySummary[];
      /** GetAuthorizationToken calls made to AWS (ECR and ECR Public). */
      readonly calls: number;
      readonly variables: readonly Variable[];
    };

export async function runTask(init: RunTaskInit): Promise<TaskOutcome> {
  const { task, logger } = init;
  if (task.disabled) return { kind: "disabled" };

  const regionFrom = resolveRegion(task, init.env, init.label);
  const taskRegion = regionFrom?.region;
  const registries = resolveRegistries(
    registrySpecsOf(task),
    taskRegion,
    init.label(task.registries === undefined ? "registryIds" : "registries"),
  );
  // A slow call says so on stderr after a second (not under --quiet: the logger's info level).
  const watch = new CallWatch({ onSlow: (line) => logger.info(`ecr-vars: ${line}`) });
  const base = {
    ...attemptLimits(init.timeoutMs),
    http: lazyHttpSettings(init.env, (secret) => init.redactor.add(secret)),
    watch,
  };
  const credentialsFor = await providersFor(registries, task, init, base);

  const taskIdentity = identityKey({
    source: task.source,
    ...(task.roleArn === undefined ? {} : { roleArn: task.roleArn }),
  });
  const endpointOverridden = ecrEndpointOverridden(init.env);
  if (
    endpointOverridden &&
    registries.some((r) => r.kind === "private" && r.variant !== "standard")
  ) {
    logger.debug("AWS_ENDPOINT_URL(_ECR) is set: FIPS and dual-stack registries are fetched there");
  }
  const authorize = init.authorize ?? fetchFromEcr;
  const { hit } = authorize;
  // The token cache is keyed by the task's identity: other identities go straight to ECR.
  const own = (group: CallGroup) => group.identityKey === taskIdentity;
  const request = (group: CallGroup, call: AwsCallOptions, credentials: CredentialProvider) => ({
    service: group.kind === "public" ? ("ecr-public" as const) : ("ecr" as const),
    call,
    region: group.region,
    credentials,
    registryIds: group.registryIds,
    identity: `${group.identityKey}|${partitionOf(group.region).partition}`,
  });
  const groups: GroupFetchInit = {
    registries,
    call: base,
    endpointOverridden,
    credentialsFor,
    authorizeTaskGroup: (group, call, credentials) =>
      (own(group) ? authorize : fetchFromEcr)(request(group, call, credentials)),
    ...(hit === undefined
      ? {}
      : {
          hitTaskGroup: async (
            group: CallGroup,
            call: AwsCallOptions,
            credentials: CredentialProvider,
          ) => (own(group) ? hit(request(group, call, credentials)) : undefined),
        }),
  };
  // A run the token cache answers whole needs no deadline: no timer, no network.
  const fetched =
    (await cachedGroups(groups)) ??
    (await withDeadline(
      init.timeoutMs,
      () => watch.pending().map(describeAttempt),
      fetchGroups(groups),
      init.timeoutHint,
    ));
  const { authorizations } = fetched;
  // Mask first: every secret is known to the redactor before it is rendered or logged.
  for (const auth of authorizations) {
    checkAuthorizationSize(auth);
    init.redactor.add(auth.authorizationToken);
    init.redactor.add(decodeAuthorizationToken(auth.authorizationToken).password);
  }
  const [first] = authorizations;
  if (first === undefined) throw new Error("fetchAuthorizations returned no registry");
  const variables = buildVariables(first, task.namespace);
  const summaries: RegistrySummary[] = [];
  registries.forEach((registry, index) => {
    const auth = authorizations[index];
    if (auth === undefined) return;
    const segment = nameSegment(registry, auth.registryId);
    if (registries.length > 1) variables.push(...buildVariables(auth, task.namespace, segment));
    summaries.push(
      summaryOf(
        registry,
        auth,
        registries.length > 1 ? `${task.namespace}.ecr.${segment}` : `${task.namespace}.ecr`,
      ),
    );
  });
  for (const variable of variables) if (variable.secret) init.redactor.add(variable.value);

  const region = taskRegion ?? registries[0]?.region ?? "us-east-1";
  const sources = new Set<string>(fetched.sources.filter((s): s is string => s !== undefined));
  // Only providers a call actually used: on a cache hit no credentials are resolved at all.
  for (const provider of credentialsFor.used()) sources.add((await provider()).source);
  const source = [...sources].join("; ");
  logger.debug(
    `fetched ${authorizations.length} authorization(s) in ${region} with ${source} (${fetched.calls} GetAuthorizationToken call(s))`,
  );
  return {
    kind: "fetched",
    region,
    regionOrigin: regionFrom?.origin,
    source,
    authorizations,
    registries: summaries,
    calls: fetched.calls,
    variables,
  };
}

function summaryOf(
  registry: Registry,
  auth: FetchedAuthorization,
  variablePrefix: string,
): RegistrySummary {
  return {
    registry: hostOf(registry) ?? endpointDomain(auth.proxyEndpoint),
    variablePrefix,
    kind: registry.kind,
    ...(registry.kind === "private" ? { accountId: auth.registryId } : {}),
    region: registry.region,
    partition: registry.partition,
    endpoint: registry.kind === "private" ? registry.variant : "standard",
    proxyEndpoint: auth.proxyEndpoint,
    expirationDate: formatExpiry(auth.expiresAt),
  };
}

type CredentialsFor = ((group: CallGroup) => CredentialProvider) & {
  /** The providers some call invoked, in first-use order. */
  used(): CredentialProvider[];
};

/**
 * One masked, memoized provider per (identity, partition): an identity's STS calls go to a region
 * of the registries' partition, and its credentials are obtained once however many groups use it.
 * Every provider is built before any AWS call, so a bad connector fails before anything is sent.
 */
async function providersFor(
  registries: readonly Registry[],
  task: TaskConfig,
  init: RunTaskInit,
  base: Omit<AwsCallOptions, "region">,
): Promise<CredentialsFor> {
  const resolve = identityResolver({
    task,
    env: init.env,
    label: init.label,
    connectorsPath: connectorsFilePath(init.connectorsPath, init.env),
  });
  const taskIdentity = identityKey({
    source: task.source,
    ...(task.roleArn === undefined ? {} : { roleArn: task.roleArn }),
  });
  const providers = new Map<string, CredentialProvider>();
  for (const registry of registries) {
    const idKey = identityKey(registry.identity);
    const key = `${idKey}|${partitionOf(registry.region).partition}`;
    if (providers.has(key)) continue;
    const context = {
      env: init.env,
      call: { ...base, region: registry.region },
      // Mask first: intermediate keys and OIDC tokens of a chain are secrets before they are used.
      onSecret: (secret: string) => init.redactor.add(secret),
      ...(init.otherSources === undefined ? {} : { otherSources: init.otherSources }),
    };
    const owner = idKey === taskIdentity ? "task" : "registry";
    const provider =
      owner === "task" && init.credentials !== undefined
        ? init.credentials(context)
        : await resolve(registry.identity, context, owner);
    providers.set(key, masked(provider, init.redactor));
  }
  const used = new Set<CredentialProvider>();
  const lookup = (group: CallGroup): CredentialProvider => {
    const provider = providers.get(`${group.identityKey}|${partitionOf(group.region).partition}`);
    if (provider === undefined) throw new Error(`no credentials for ${group.identityKey}`);
    return () => {
      used.add(provider);
      return provider();
    };
  };
  return Object.assign(lookup, { used: () => [...used] });
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

/** The summary's headline: which registries a run fetched, and with how many calls. */
export function describeFetch(outcome: Extract<TaskOutcome, { kind: "fetched" }>): string {
  const oneRegion = outcome.registries.every(
    (r) => r.kind === "private" && r.region === outcome.region && r.endpoint === "standard",
  );
  if (oneRegion) {
    const ids = outcome.authorizations.map((a) => a.registryId).join(", ");
    return `Amazon ECR credentials for registry ${ids} in ${outcome.region}`;
  }
  const hosts = outcome.registries.map((r) => r.registry).join(", ");
  const [only] = outcome.registries;
  if (outcome.registries.length === 1 && only !== undefined) {
    return `Amazon ECR credentials for ${only.registry}`;
  }
  const calls =
    outcome.calls === 0
      ? "from the token cache"
      : `in ${plural(outcome.calls, "GetAuthorizationToken call")}`;
  return `Amazon ECR credentials for ${outcome.registries.length} registries (${hosts}) ${calls}`;
}

/** `1 call`, `2 calls`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
