/**
 * Every option of every command, in one table, as plain data (the format lists in descriptions
 * come from the renderer table). With the command table (`commands.ts`) it drives argument
 * parsing, `--help`, the README's tables (`docs.ts`) and the inputs of the GitHub Action, so none
 * of them can drift apart.
 */

import type { TaskKey } from "../core/task.js";
import { FALLBACK_FORMAT, renderers } from "../emit/registry.js";

// Named from the renderer table, so that a new CI format or scope shows up here by itself.
const ciFormats = renderers.filter((r) => r.ci !== undefined).map((r) => r.name);
const resultFormats = renderers.filter((r) => r.scopes?.includes("result")).map((r) => r.name);

/** `command`: an option of one subcommand (its help lists it under OPTIONS). */
export type OptionGroup = "task" | "credentials" | "output" | "general" | "command";

export interface OptionSpec {
  /** Long flag without dashes, e.g. `region-variable`. */
  readonly flag: string;
  readonly short?: string;
  readonly type: "string" | "boolean";
  /** Repeatable: every occurrence adds a value. */
  readonly multiple?: boolean;
  /** Placeholder in help, e.g. `CODE`. */
  readonly value?: string;
  readonly group: OptionGroup;
  /** The task-file field this flag sets, when it is a task field (flags win over the file). */
  readonly taskKey?: TaskKey;
  readonly description: string;
  /** Default shown in help and docs. */
  readonly default?: string;
}

export const OPTIONS: readonly OptionSpec[] = [
  {
    flag: "task",
    type: "string",
    value: "FILE",
    group: "task",
    description:
      "read the task configuration from a YAML or JSON file; the other options override its fields",
  },
  {
    flag: "description",
    type: "string",
    value: "TEXT",
    group: "task",
    taskKey: "description",
    description: "what this task is for; shown in the log",
  },
  {
    flag: "disabled",
    type: "boolean",
    group: "task",
    taskKey: "disabled",
    description: "do nothing, say so and exit 0 (no file is written)",
  },
  {
    flag: "region",
    type: "string",
    value: "CODE",
    group: "task",
    taskKey: "region",
    description:
      "AWS region code of the registry, e.g. eu-west-1 (the partition follows from it); default: $AWS_REGION, else $AWS_DEFAULT_REGION, else the region of the AWS profile in use",
  },
  {
    flag: "region-variable",
    type: "string",
    value: "EXPR",
    group: "task",
    taskKey: "regionVariable",
    description:
      "instead of --region: an expression resolved at run time, e.g. '${bamboo.awsRegion}' or '${env.AWS_REGION}'",
  },
  {
    flag: "registry-id",
    type: "string",
    multiple: true,
    value: "ID",
    group: "task",
    taskKey: "registryIds",
    description: "12-digit account id of the registry; default: the caller's own registry",
  },
  {
    flag: "registry",
    type: "string",
    multiple: true,
    value: "HOST",
    group: "task",
    taskKey: "registries",
    description:
      "a registry by host or URL (account, region, partition, FIPS and dual-stack follow from it), or public.ecr.aws (ecr-public.aws.com) for ECR Public; see docs/registries.md",
  },
  {
    flag: "namespace",
    type: "string",
    value: "NS",
    group: "task",
    taskKey: "namespace",
    default: "custom.aws",
    description: "namespace of the generated variables; the task appends 'ecr'",
  },
  {
    flag: "scope",
    type: "string",
    value: "local|result",
    group: "task",
    taskKey: "scope",
    default: "local",
    description: `local: this job only; result: later stages and deployment releases too (formats ${resultFormats.slice(0, -1).join(", ")} and ${resultFormats.at(-1)}; the others refuse it)`,
  },
  {
    flag: "source",
    type: "string",
    value: "connector|instance-role|default-chain",
    group: "credentials",
    taskKey: "source",
    description:
      "where AWS credentials come from: a connector, the EC2 instance role, or the standard AWS credential chain (environment, profile, web identity, container, instance role); default: connector when one is named, else default-chain",
  },
  {
    flag: "connector",
    type: "string",
    value: "ID|NAME",
    group: "credentials",
    taskKey: "connector",
    description: "the connector (UUID or name) of the connectors file to use",
  },
  {
    flag: "connector-variable",
    type: "string",
    value: "EXPR",
    group: "credentials",
    taskKey: "connectorVariable",
    description:
      "instead of --connector: an expression resolving to a connector id, e.g. '${bamboo.awsConnector}'",
  },
  {
    flag: "role-arn",
    type: "string",
    value: "ARN",
    group: "credentials",
    taskKey: "roleArn",
    description:
      "a role the source's credentials assume before calling ECR (e.g. another account's)",
  },
  {
    flag: "connectors",
    type: "string",
    value: "FILE",
    group: "credentials",
    description:
      "the connectors file; default: $ECR_VARS_CONNECTORS, else ~/.config/ecr-vars/connectors.yml",
  },
  {
    flag: "format",
    short: "f",
    type: "string",
    value: "NAME",
    group: "output",
    description: `output format (see FORMATS); default: the CI system's own format inside a detected CI system (${ciFormats.join(", ")}), else ${FALLBACK_FORMAT}`,
  },
  {
    flag: "output",
    short: "o",
    type: "string",
    value: "FILE",
    group: "output",
    description: "write to FILE (mode 0600, atomically, never through a symlink) instead of stdout",
  },
  {
    flag: "credential-helper",
    type: "boolean",
    group: "output",
    description:
      "with --format docker-config: write credHelpers entries that point at docker-credential-ecr-vars instead of the password",
  },
  {
    flag: "secret-name",
    type: "string",
    value: "NAME",
    group: "output",
    description: "with --format kubernetes: the name of the pull Secret (default ecr-vars)",
  },
  {
    flag: "secret-namespace",
    type: "string",
    multiple: true,
    value: "NS",
    group: "output",
    description:
      "with --format kubernetes: write the Secret into this namespace; repeat it for one Secret in each (default: no namespace, kubectl's current one)",
  },
  {
    flag: "report-secrets",
    type: "boolean",
    group: "output",
    description:
      "with --format gitlab --scope result: put the registry password into the dotenv report too (GitLab cannot mask it and artifacts are readable by project members)",
  },
  {
    flag: "env-prefix",
    type: "string",
    value: "PREFIX",
    group: "output",
    description:
      "prefix of environment names, followed by the name with dots as underscores, case kept (may be empty; --env-prefix bamboo_ gives Bamboo's names anywhere); default: in Bamboo bamboo_custom_aws_ecr_password, elsewhere no prefix and upper case, CUSTOM_AWS_ECR_PASSWORD",
  },
  {
    flag: "cache",
    type: "boolean",
    group: "general",
    description:
      "reuse a token cached by an earlier run or by docker-credential-ecr-vars while it stays valid (in $XDG_CACHE_HOME/ecr-vars)",
  },
  {
    flag: "timeout",
    type: "string",
    value: "SECONDS",
    group: "general",
    default: "60",
    description: "overall deadline for the AWS calls",
  },
  {
    flag: "quiet",
    short: "q",
    type: "boolean",
    group: "general",
    description: "print no summary on stderr (errors still are)",
  },
  {
    flag: "debug",
    type: "boolean",
    group: "general",
    description: "print debug details and stack traces on stderr (secrets stay masked)",
  },
  {
    flag: "force",
    type: "boolean",
    group: "output",
    description:
      "print secrets even when stdout is an interactive terminal (the password format refuses to otherwise; the others warn); write a token that has already expired (refused otherwise, exit 4)",
  },
  {
    flag: "pull",
    type: "boolean",
    group: "command",
    description: "also allow pulling images from the registries' repositories",
  },
  {
    flag: "push",
    type: "boolean",
    group: "command",
    description: "also allow pushing images (ECR Public too)",
  },
  {
    flag: "partition",
    type: "string",
    value: "NAME",
    group: "command",
    description: "only the registries of this partition (one IAM policy serves one partition)",
  },
  {
    flag: "json",
    type: "boolean",
    group: "command",
    description: "list as JSON",
  },
  { flag: "help", short: "h", type: "boolean", group: "general", description: "show this help" },
  {
    flag: "version",
    short: "V",
    type: "boolean",
    group: "general",
    description: "print the version",
  },
];

const byFlag: ReadonlyMap<string, OptionSpec> = new Map(OPTIONS.map((o) => [o.flag, o]));

/** The option called `flag` (without dashes). */
export function optionSpec(flag: string): OptionSpec | undefined {
  return byFlag.get(flag);
}
