/**
 * The registries one run serves and how they are fetched: each registry resolved to account,
 * region, endpoint variant and identity; its variable-name segment; and the grouping that makes
 * every (identity, region, endpoint) cost one GetAuthorizationToken call for up to ten registries.
 */

import { configError, type FieldProblem } from "./errors.js";
import { type Partition, partitionOf } from "./region.js";
import type { EndpointVariant } from "./registry-host.js";
import { PUBLIC_HOST, type PublicHost, registryHost } from "./registry-host.js";
import type { CredentialSetting, TaskConfig } from "./task.js";

/** Who calls AWS for a registry: a credential source and, optionally, a role assumed on top. */
export interface IdentitySpec {
  readonly source: CredentialSetting;
  readonly roleArn?: string;
}

/** A registry as configured, before the task's region variable is resolved. */
export type RegistrySpec =
  | {
      readonly kind: "id";
      /** Undefined: the caller's own (default) registry. */
      readonly registryId: string | undefined;
      /** Undefined: the task's region. */
      readonly region: string | undefined;
      readonly variant: EndpointVariant;
      readonly identity: IdentitySpec;
      /** How the user wrote it, for messages. */
      readonly label: string;
    }
  | {
      readonly kind: "host";
      readonly accountId: string;
      /** Undefined: the task's region (an alias whose entry names none). */
      readonly region: string | undefined;
      readonly variant: EndpointVariant;
      readonly host: string;
      readonly identity: IdentitySpec;
      readonly label: string;
    }
  | {
      readonly kind: "public";
      readonly host: PublicHost;
      readonly identity: IdentitySpec;
      readonly label: string;
    };

/** One registry of the run, fully resolved. */
export type Registry =
  | {
      readonly kind: "private";
      /** Undefined only for the caller's default registry (the lone registry of a run). */
      readonly accountId: string | undefined;
      readonly region: string;
      readonly partition: Partition;
      readonly variant: EndpointVariant;
      /** The host the user named; its URL is published instead of ECR's standard endpoint. */
      readonly host: string | undefined;
      readonly identity: IdentitySpec;
    }
  | {
      readonly kind: "public";
      /** `public.ecr.aws`, or its dual-stack host `ecr-public.aws.com`. */
      readonly host: PublicHost;
      /** ECR Public's API lives in us-east-1 only. */
      readonly region: typeof PUBLIC_REGION;
      readonly partition: "aws";
      readonly identity: IdentitySpec;
    };

export const PUBLIC_REGION = "us-east-1";
/** GetAuthorizationToken accepts at most this many registry ids per call. */
export const MAX_IDS_PER_CALL = 10;

/** Resolves the configured registries against the task's region and checks them as a whole. */
export function resolveRegistries(
  specs: readonly RegistrySpec[],
  taskRegion: string | undefined,
  field: string,
): Registry[] {
  const problems: FieldProblem[] = [];
  const registries: Registry[] = [];
  for (const spec of specs) {
    if (spec.kind === "public") {
      registries.push({
        kind: "public",
        host: spec.host,
        region: PUBLIC_REGION,
        partition: "aws",
        identity: spec.identity,
      });
      continue;
    }
    const region = spec.region ?? taskRegion;
    if (region === undefined) {
      problems.push({
        field,
        message: `${spec.label} names no region and the task has none`,
        hint: "set --region, or give the registry as a host such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      });
      continue;
    }
    registries.push({
      kind: "private",
      accountId: spec.kind === "host" ? spec.accountId : spec.registryId,
      region,
      partition: partitionOf(region).partition,
      variant: spec.variant,
      host: spec.kind === "host" ? spec.host : undefined,
      identity: spec.identity,
    });
  }

  const seen = new Map<string, number>();
  registries.forEach((registry, index) => {
    const key = registryKey(registry);
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({
        field,
        message: `${specs[index]?.label} is the same registry as ${specs[first]?.label}`,
        hint: "list each registry once",
      });
    } else seen.set(key, index);
    const rolePartition = /^arn:([a-z-]+):/.exec(registry.identity.roleArn ?? "")?.[1];
    if (rolePartition !== undefined && rolePartition !== registry.partition) {
      problems.push({
        field,
        message: `${specs[index]?.label} is in partition ${registry.partition}, but its role ${registry.identity.roleArn} is in ${rolePartition}`,
        hint: `use a role of the registry's partition (arn:${registry.partition}:iam::...), or name a connector for that partition`,
      });
    }
  });
  if (problems.length > 0) throw configError(problems);
  return registries;
}

/** The host a registry is reached at; undefined for a default registry (account unknown). */
export function hostOf(registry: Registry): string | undefined {
  if (registry.kind === "public") return registry.host;
  if (registry.host !== undefined) return registry.host;
  return registry.accountId === undefined
    ? undefined
    : registryHost(registry.accountId, registry.region, registry.variant);
}

function registryKey(registry: Registry): string {
  return hostOf(registry) ?? `default:${registry.region}`;
}

/**
 * The variable-name segment of a registry among several (docs/registries.md): `public` for ECR
 * Public (`public_dualstack` for its dual-stack host), `<account>.<region>` for a standard endpoint — the region's dashes as underscores so
 * that environment names stay shell identifiers — with `_fips`, `_dualstack` or
 * `_fips_dualstack` appended for the other endpoints of the same registry.
 */
export function nameSegment(registry: Registry, accountId: string): string {
  if (registry.kind === "public")
    return registry.host === PUBLIC_HOST ? "public" : "public_dualstack";
  const region = registry.region.replaceAll("-", "_");
  const variant = registry.variant === "standard" ? "" : `_${registry.variant.replace("-", "_")}`;
  return `${accountId}.${region}${variant}`;
}

/** A stable key of an identity: registries with equal keys share credentials and calls. */
export function identityKey(identity: IdentitySpec): string {
  const { source } = identity;
  const setting = source.kind === "connector" ? source.connector : undefined;
  const base =
    setting === undefined
      ? source.kind
      : `connector:${setting.kind}:${setting.kind === "ref" ? setting.ref : setting.kind === "profile" ? setting.profile : setting.expression}`;
  return identity.roleArn === undefined ? base : `${base}+role:${identity.roleArn}`;
}

/** One GetAuthorizationToken call: registries of one identity, region and endpoint. */
export interface CallGroup {
  readonly kind: "private" | "public";
  readonly identity: IdentitySpec;
  readonly identityKey: string;
  readonly region: string;
  readonly variant: EndpointVariant;
  /** Indexes into the registry list, in list order. */
  readonly members: readonly number[];
  /** The account ids asked for; empty for the caller's default registry or ECR Public. */
  readonly registryIds: readonly string[];
}

/**
 * Groups registries into calls: one per (identity, region, endpoint variant), split in chunks of
 * ten ids; ECR Public is one call per identity. Groups keep the order of their first registry.
 */
export function groupCalls(registries: readonly Registry[]): CallGroup[] {
  const open = new Map<
    string,
    { group: CallGroup & { members: number[]; registryIds: string[] } }
  >();
  const groups: Array<CallGroup & { members: number[]; registryIds: string[] }> = [];
  registries.forEach((registry, index) => {
    const key = identityKey(registry.identity);
    const variant = registry.kind === "public" ? "standard" : registry.variant;
    const defaultRegistry = registry.kind === "private" && registry.accountId === undefined;
    const groupKey = `${registry.kind}|${key}|${registry.region}|${variant}${defaultRegistry ? "|default" : ""}`;
    const current = open.get(groupKey)?.group;
    if (
      current !== undefined &&
      !defaultRegistry &&
      (registry.kind === "public" || current.registryIds.length < MAX_IDS_PER_CALL)
    ) {
      current.members.push(index);
      if (registry.kind === "private" && registry.accountId !== undefined) {
        current.registryIds.push(registry.accountId);
      }
      return;
    }
    const group = {
      kind: registry.kind,
      identity: registry.identity,
      identityKey: key,
      region: registry.region,
      variant,
      members: [index],
      registryIds:
        registry.kind === "private" && registry.accountId !== undefined ? [registry.accountId] : [],
    };
    groups.push(group);
    open.set(groupKey, { group });
  });
  return groups;
}

/** What the JSON format and the summary say about each registry; never a secret. */
export interface RegistrySummary {
  readonly registry: string;
  /** The prefix of this registry's own variables, e.g. `custom.aws.ecr.123456789012.eu_west_1`. */
  readonly variablePrefix: string;
  readonly kind: "private" | "public";
  readonly accountId?: string;
  readonly region: string;
  readonly partition: Partition;
  readonly endpoint: EndpointVariant;
  readonly proxyEndpoint: string;
  readonly expirationDate: string;
}

/**
 * Every registry a task serves, in order: its `registryIds` (in the task's region), then its
 * `registries` list; when it names none, the caller's own registry in the task's region.
 */
export function registrySpecsOf(task: TaskConfig): RegistrySpec[] {
  const identity: IdentitySpec = {
    source: task.source,
    ...(task.roleArn === undefined ? {} : { roleArn: task.roleArn }),
  };
  const specs: RegistrySpec[] = task.registryIds.map((registryId) => ({
    kind: "id",
    registryId,
    region: undefined,
    variant: "standard",
    identity,
    label: `registry id ${registryId}`,
  }));
  specs.push(...(task.registries ?? []));
  if (specs.length === 0) {
    specs.push({
      kind: "id",
      registryId: undefined,
      region: undefined,
      variant: "standard",
      identity,
      label: "the default registry",
    });
  }
  return specs;
}
