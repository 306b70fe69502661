/**
 * The task configuration (README, "A task file"): one typed, validated value built from the task file and flags.
 * Validation collects every problem before failing, so a user fixes them all in one pass.
 */

import { configError, type FieldProblem } from "./errors.js";
import { hasReference } from "./expressions.js";
import { isNamespace } from "./names.js";
import { isRegion } from "./region.js";
import type { IdentitySpec, RegistrySpec } from "./registries.js";
import { parseRegistryHost } from "./registry-host.js";
import {
  EMPTY_MAP,
  matchRegistry,
  normalizeHost,
  type RegistryEntry,
  type RegistryMap,
} from "./registry-map.js";
import { DEFAULT_NAMESPACE } from "./variables.js";

export type Scope = "local" | "result";
export const SCOPES: readonly Scope[] = ["local", "result"];

export type SourceKind = "connector" | "instance-role" | "default-chain";
/** The values of `source`: the helper's ECR_VARS_SOURCE takes the same three. */
export const SOURCES: readonly SourceKind[] = ["connector", "instance-role", "default-chain"];

/** Either a region code known now, or an expression resolved at run time. */
export type RegionSetting =
  | { readonly kind: "code"; readonly region: string }
  | { readonly kind: "variable"; readonly expression: string }
  /**
   * Neither region nor region variable is set: at run time AWS_REGION, AWS_DEFAULT_REGION or the
   * active profile's region (docs/reference.md, "Region"), as the AWS CLI finds it.
   */
  | { readonly kind: "environment" };

/**
 * Either a connector id or name known now, or an expression resolved at run time; or a connector
 * of type `profile` given in place (a helper config entry's `profile`), which needs no
 * connectors file.
 */
export type ConnectorSetting =
  | { readonly kind: "ref"; readonly ref: string }
  | { readonly kind: "variable"; readonly expression: string }
  | { readonly kind: "profile"; readonly profile: string };

export type CredentialSetting =
  /** The standard AWS credential chain (environment, profile, web identity, container, IMDS). */
  | { readonly kind: "default-chain" }
  | { readonly kind: "instance-role" }
  | { readonly kind: "connector"; readonly connector: ConnectorSetting };

export interface TaskConfig {
  readonly description?: string;
  readonly disabled: boolean;
  /** Absent only when every registry names its own region (a host, or ECR Public). */
  readonly region?: RegionSetting;
  readonly registryIds: readonly string[];
  /** The `registries` list (`--registry`), after the `registryIds`; absent when not given. */
  readonly registries?: readonly RegistrySpec[];
  readonly namespace: string;
  readonly scope: Scope;
  readonly source: CredentialSetting;
  readonly roleArn?: string;
}

/** Task fields as they arrive from a task file or flags, keyed by task-file key. */
export interface TaskInput {
  description?: string;
  disabled?: boolean;
  region?: string;
  regionVariable?: string;
  registryIds?: string[];
  registries?: RegistryInput[];
  namespace?: string;
  scope?: string;
  source?: string;
  connector?: string;
  connectorVariable?: string;
  roleArn?: string;
}

/** One entry of the `registries` list: a host or URL, or an object naming its own identity. */
export type RegistryInput =
  | string
  | {
      /** A registry host or URL, or `public.ecr.aws`. */
      registry?: string;
      /** Instead of `registry`: an account id, in `region` or the task's region. */
      registryId?: string;
      region?: string;
      fips?: boolean;
      dualStack?: boolean;
      /** This registry's own connector (replaces the task's source and role). */
      connector?: string;
      /** This registry's own role (replaces the task's role). */
      roleArn?: string;
    };

export type TaskKey = keyof TaskInput;

/** Says where a field came from, for messages: `--region` or `task.yml: region`. */
export type FieldLabel = (key: TaskKey) => string;

const REGISTRY_ID = /^\d{12}$/;
// arn:<partition>:iam::<account>:role/<path/><name>
export const ROLE_ARN =
  /^arn:aws(?:-cn|-us-gov|-iso|-iso-[a-z]|-eusc)?:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/**
 * Builds the task from merged input, or throws one config error listing every problem. `map` is
 * the helper config's registry map (docs/docker.md, "Registry maps"): a registry named by host
 * takes its entry's alias (account and region) and identity, as the credential helper does.
 */
export function parseTask(
  input: TaskInput,
  label: FieldLabel,
  map: RegistryMap = EMPTY_MAP,
): TaskConfig {
  const problems: FieldProblem[] = [];
  const problem = (key: TaskKey, message: string, hint?: string) =>
    problems.push({ field: label(key), message, ...(hint === undefined ? {} : { hint }) });

  const needsRegion =
    (input.registries ?? []).length === 0 ||
    (input.registryIds ?? []).length > 0 ||
    input.region !== undefined ||
    input.regionVariable !== undefined ||
    (input.registries ?? []).some(
      (entry) =>
        (typeof entry === "object" && entry.registry === undefined && entry.region === undefined) ||
        aliasWithoutRegion(typeof entry === "object" ? entry.registry : entry, map),
    );
  const region = needsRegion ? parseRegion(input, problem) : undefined;
  const source = parseSource(input, problem);

  const registryIds = input.registryIds ?? [];
  for (const id of registryIds) {
    if (!REGISTRY_ID.test(id)) {
      problem(
        "registryIds",
        `"${id}" is not an AWS account id`,
        "use the 12-digit account id that owns the registry",
      );
    }
  }
  if (new Set(registryIds).size !== registryIds.length) {
    problem(
      "registryIds",
      "the same registry id is given more than once",
      "list each registry once",
    );
  }

  const namespace = input.namespace ?? DEFAULT_NAMESPACE;
  if (!isNamespace(namespace)) {
    problem(
      "namespace",
      `"${namespace}" is not a valid namespace`,
      "use dot-separated segments of letters, digits, '_' and '-', e.g. custom.aws",
    );
  }

  const scope = input.scope ?? "local";
  if (!SCOPES.includes(scope as Scope)) {
    problem("scope", `"${scope}" is not a scope`, `use one of: ${SCOPES.join(", ")}`);
  }

  if (input.roleArn !== undefined && !ROLE_ARN.test(input.roleArn)) {
    problem("roleArn", `"${input.roleArn}" is not an IAM role ARN`, ROLE_ARN_HINT);
  }

  const identity: IdentitySpec | undefined =
    source === undefined
      ? undefined
      : { source, ...(input.roleArn === undefined ? {} : { roleArn: input.roleArn }) };
  const registries =
    identity === undefined ? [] : parseRegistries(input.registries ?? [], identity, problem, map);

  if (problems.length > 0 || (needsRegion && !region) || !source) throw configError(problems);
  return {
    ...(input.description === undefined ? {} : { description: input.description }),
    disabled: input.disabled ?? false,
    ...(region === undefined ? {} : { region }),
    registryIds,
    ...(input.registries === undefined ? {} : { registries }),
    namespace,
    scope: scope as Scope,
    source,
    ...(input.roleArn === undefined ? {} : { roleArn: input.roleArn }),
  };
}

type Problem = (key: TaskKey, message: string, hint?: string) => void;

export const ROLE_ARN_HINT =
  "use the form arn:<partition>:iam::<account-id>:role/<name>, e.g. arn:aws:iam::123456789012:role/ecr-push";

function parseRegistries(
  entries: readonly RegistryInput[],
  taskIdentity: IdentitySpec,
  problem: Problem,
  map: RegistryMap,
): RegistrySpec[] {
  const specs: RegistrySpec[] = [];
  for (const [index, raw] of entries.entries()) {
    const entry = typeof raw === "string" ? { registry: raw } : raw;
    const label = `registry ${index + 1} (${entry.registry ?? entry.registryId ?? "?"})`;
    const bad = (message: string, hint: string): void => {
      problem("registries", `${label}: ${message}`, hint);
    };
    let identity = taskIdentity;
    if (entry.connector !== undefined) {
      if (entry.connector === "") {
        bad("the connector is empty", "name a connector or drop the key");
        continue;
      }
      identity = {
        source: { kind: "connector", connector: { kind: "ref", ref: entry.connector } },
        ...(entry.roleArn === undefined ? {} : { roleArn: entry.roleArn }),
      };
    } else if (entry.roleArn !== undefined) {
      identity = { source: taskIdentity.source, roleArn: entry.roleArn };
    }
    if (entry.roleArn !== undefined && !ROLE_ARN.test(entry.roleArn)) {
      bad(`"${entry.roleArn}" is not an IAM role ARN`, ROLE_ARN_HINT);
      continue;
    }
    if ((entry.registry === undefined) === (entry.registryId === undefined)) {
      bad(
        "give exactly one of registry (a host) and registryId (an account id)",
        'e.g. registry: 123456789012.dkr.ecr.eu-west-1.amazonaws.com, or registryId: "123456789012"',
      );
      continue;
    }
    if (entry.registry !== undefined) {
      if (entry.region !== undefined || entry.fips !== undefined || entry.dualStack !== undefined) {
        bad(
          "region, fips and dualStack belong to registryId entries; a host already says them",
          "drop them, or write the host of the endpoint you want (e.g. ...dkr.ecr-fips...)",
        );
        continue;
      }
      const mapped = mapRegistry(map, entry.registry);
      if (mapped.kind === "problem") {
        bad(mapped.message, mapped.hint);
        continue;
      }
      if (mapped.kind === "mapped") {
        // The entry's identity applies unless this registry names its own (as in the helper).
        const own = entry.connector !== undefined || entry.roleArn !== undefined;
        const mappedIdentity = own ? identity : (mapped.identity?.(taskIdentity) ?? identity);
        if (mapped.alias !== undefined) {
          specs.push({ kind: "host", ...mapped.alias, identity: mappedIdentity, label });
          continue;
        }
        identity = mappedIdentity;
      }
      const parsed = parseRegistryHost(entry.registry);
      if (!parsed.ok) {
        bad(parsed.reason, parsed.hint);
        continue;
      }
      const address = parsed.address;
      specs.push(
        address.kind === "public"
          ? { kind: "public", host: address.host, identity, label }
          : {
              kind: "host",
              accountId: address.accountId,
              region: address.region,
              variant: address.variant,
              host: address.host,
              identity,
              label,
            },
      );
      continue;
    }
    const registryId = entry.registryId ?? "";
    if (!REGISTRY_ID.test(registryId)) {
      bad(
        `"${registryId}" is not an AWS account id`,
        "use the 12-digit account id that owns the registry",
      );
      continue;
    }
    if (entry.region !== undefined && !isRegion(entry.region)) {
      bad(
        `"${entry.region}" is not an AWS region code`,
        "use a code such as us-east-1, eu-central-1 or cn-north-1",
      );
      continue;
    }
    const fips = entry.fips === true;
    const dual = entry.dualStack === true;
    specs.push({
      kind: "id",
      registryId,
      region: entry.region,
      variant: fips ? (dual ? "fips-dualstack" : "fips") : dual ? "dualstack" : "standard",
      identity,
      label,
    });
  }
  return specs;
}

function parseRegion(input: TaskInput, problem: Problem): RegionSetting | undefined {
  const { region, regionVariable } = input;
  if (region !== undefined && regionVariable !== undefined) {
    problem("regionVariable", "region and region variable are both set", "set only one of them");
    return undefined;
  }
  if (regionVariable !== undefined) {
    if (!hasReference(regionVariable)) {
      problem(
        "regionVariable",
        `"${regionVariable}" holds no variable reference`,
        "write e.g. ${bamboo.awsRegion}, or use the region setting for a fixed region",
      );
      return undefined;
    }
    return { kind: "variable", expression: regionVariable };
  }
  if (region === undefined) return { kind: "environment" };
  if (!isRegion(region)) {
    problem(
      "region",
      `"${region}" is not an AWS region code`,
      "use a code such as us-east-1, eu-central-1 or cn-north-1",
    );
    return undefined;
  }
  return { kind: "code", region };
}

function parseSource(input: TaskInput, problem: Problem): CredentialSetting | undefined {
  const { source, connector, connectorVariable } = input;
  if (source !== undefined && !SOURCES.includes(source as SourceKind)) {
    problem(
      "source",
      `"${source}" is not a credential source`,
      `use one of: ${SOURCES.join(", ")}`,
    );
    return undefined;
  }
  const namesConnector = connector !== undefined || connectorVariable !== undefined;
  if (source === "instance-role") {
    if (namesConnector) {
      problem(
        connector !== undefined ? "connector" : "connectorVariable",
        "a connector is named but the source is instance-role",
        "drop the connector, or use --source connector",
      );
      return undefined;
    }
    return { kind: "instance-role" };
  }
  if (source === "default-chain") {
    if (namesConnector) {
      problem(
        connector !== undefined ? "connector" : "connectorVariable",
        "a connector is named but the source is default-chain",
        "drop the connector, or use --source connector",
      );
      return undefined;
    }
    return { kind: "default-chain" };
  }
  if (source === undefined && !namesConnector) return { kind: "default-chain" };
  if (connector !== undefined && connectorVariable !== undefined) {
    problem(
      "connectorVariable",
      "connector and connector variable are both set",
      "set only one of them",
    );
    return undefined;
  }
  if (connectorVariable !== undefined) {
    if (!hasReference(connectorVariable)) {
      problem(
        "connectorVariable",
        `"${connectorVariable}" holds no variable reference`,
        "write e.g. ${bamboo.awsConnector}, or use the connector setting for a fixed connector",
      );
      return undefined;
    }
    return { kind: "connector", connector: { kind: "variable", expression: connectorVariable } };
  }
  if (connector === undefined || connector === "") {
    problem(
      "connector",
      "the source is connector but no connector is named",
      "name one with --connector ID|NAME or --connector-variable EXPR",
    );
    return undefined;
  }
  return { kind: "connector", connector: { kind: "ref", ref: connector } };
}

type MappedRegistry =
  | { readonly kind: "unmapped" }
  | { readonly kind: "problem"; readonly message: string; readonly hint: string }
  | {
      readonly kind: "mapped";
      /** The entry's identity on top of the task's; undefined when it names none. */
      readonly identity: ((task: IdentitySpec) => IdentitySpec) | undefined;
      /** An alias: the registry's account and region, published under the host asked for. */
      readonly alias:
        | {
            readonly accountId: string;
            readonly region: string | undefined;
            readonly variant: "standard" | "fips" | "dualstack" | "fips-dualstack";
            readonly host: string;
          }
        | undefined;
    };

/** True when a host is an alias of the map whose entry names no region (the task's applies). */
function aliasWithoutRegion(registry: string | undefined, map: RegistryMap): boolean {
  if (registry === undefined) return false;
  const match = matchRegistry(map, registry);
  if (match.kind !== "entry" || match.rule.entry.region !== undefined) return false;
  const parsed = parseRegistryHost(registry);
  return (
    match.rule.entry.registryId !== undefined && !(parsed.ok && parsed.address.kind === "private")
  );
}

/** What the helper config's registry map says about a registry named by host. */
function mapRegistry(map: RegistryMap, registry: string): MappedRegistry {
  const match = matchRegistry(map, registry);
  if (match.kind === "none") return { kind: "unmapped" };
  if (match.kind === "ambiguous") {
    const [a, b] = match.rules;
    return {
      kind: "problem",
      message: `the helper config's registries["${a.key}"] and registries["${b.key}"] both match it and are equally specific`,
      hint: "add an entry for the host itself, or narrow one pattern (docs/docker.md)",
    };
  }
  const { entry, key } = match.rule;
  const where = `the helper config's registries["${key}"]`;
  if (entry.roleArn !== undefined && !ROLE_ARN.test(entry.roleArn))
    return {
      kind: "problem",
      message: `${where}.roleArn "${entry.roleArn}" is not an IAM role ARN`,
      hint: ROLE_ARN_HINT,
    };
  if (entry.source === "connector" && entry.connector === undefined)
    return {
      kind: "problem",
      message: `${where} has source connector but names no connector`,
      hint: "add its connector",
    };
  if (entry.source === "profile" && entry.profile === undefined)
    return {
      kind: "problem",
      message: `${where} has source profile but names no profile`,
      hint: "add its profile",
    };
  const identity = entryIdentity(entry);
  if (entry.registryId === undefined) return { kind: "mapped", identity, alias: undefined };
  if (!REGISTRY_ID.test(entry.registryId))
    return {
      kind: "problem",
      message: `${where}.registryId "${entry.registryId}" is not 12 digits`,
      hint: "use the account id that owns the registry",
    };
  if (entry.region !== undefined && !isRegion(entry.region))
    return {
      kind: "problem",
      message: `${where}.region "${entry.region}" is not an AWS region code`,
      hint: "use a code such as eu-west-1",
    };
  const host = normalizeHost(registry);
  if (
    !/^[a-z0-9.-]+(:\d+)?$/.test(host) ||
    registry.includes("/") !== /^https:\/\/[^/]+\/?$/i.test(registry)
  )
    return {
      kind: "problem",
      message: `"${registry}" is not a host or an https:// URL of one`,
      hint: "give the host the client pulls from, e.g. mirror.example.com",
    };
  const parsed = parseRegistryHost(registry);
  const address = parsed.ok && parsed.address.kind === "private" ? parsed.address : undefined;
  return {
    kind: "mapped",
    identity,
    alias: {
      accountId: entry.registryId,
      region: entry.region ?? address?.region,
      variant: address?.variant ?? "standard",
      host,
    },
  };
}

/** The identity an entry names (source, connector, profile, role), over the task's. */
function entryIdentity(entry: RegistryEntry): ((task: IdentitySpec) => IdentitySpec) | undefined {
  const role = entry.roleArn === undefined ? {} : { roleArn: entry.roleArn };
  let source: CredentialSetting | undefined;
  if (entry.profile !== undefined)
    source = { kind: "connector", connector: { kind: "profile", profile: entry.profile } };
  else if (entry.connector !== undefined)
    source = { kind: "connector", connector: { kind: "ref", ref: entry.connector } };
  else if (entry.source === "instance-role" || entry.source === "default-chain")
    source = { kind: entry.source };
  if (source !== undefined) return () => ({ source, ...role });
  if (entry.roleArn !== undefined) return (task) => ({ source: task.source, ...role });
  return undefined;
}
