/**
 * Every command of `ecr-vars`, in one table, as plain data: which options each accepts, what
 * positional arguments it takes, and the text of its `--help`. Parsing (`parse.ts`), help
 * (`help.ts`) and the README (`docs.ts`) are generated from it and from the option table
 * (`options.ts`); the GitHub Action's inputs are the main command's options.
 */

import { OPTIONS, type OptionSpec, optionSpec } from "./options.js";

/** One option of a command: a flag of the option table, its help text replaced where it differs. */
export interface CommandOption {
  readonly flag: string;
  readonly description?: string;
  readonly default?: string;
}

export interface Positional {
  /** As shown in usage, e.g. `ID|NAME`. */
  readonly name: string;
  readonly required: boolean;
  readonly description: string;
}

export interface CommandSpec {
  /** The words after `ecr-vars`: `[]` for the main job, `["connectors", "test"]`. */
  readonly path: readonly string[];
  /** One line for the command list of `ecr-vars --help` and the README. */
  readonly summary: string;
  /** Usage lines, without the `ecr-vars` in front. */
  readonly usage: readonly string[];
  /** Paragraph lines of its `--help`, after the usage. */
  readonly about: readonly string[];
  readonly options: readonly CommandOption[];
  readonly positionals: readonly Positional[];
  /** Takes everything after `--` (e.g. `exec`'s command), named so in usage. */
  readonly rest?: string;
}

/** Accepted by every command, before or after the command's name. */
export const GLOBAL_FLAGS = ["debug", "quiet", "help", "version"] as const;

const flags = (...names: string[]): CommandOption[] => names.map((flag) => ({ flag }));
const groupFlags = (...groups: OptionSpec["group"][]): CommandOption[] =>
  OPTIONS.filter((o) => groups.includes(o.group) && o.flag !== "connectors").map((o) => ({
    flag: o.flag,
  }));
const TASK = groupFlags("task", "credentials");

export const COMMANDS: readonly CommandSpec[] = [
  {
    path: [],
    summary: "fetch an ECR token and print or write the variables",
    usage: ["[options]", 'eval "$(ecr-vars --region eu-west-1 --format sh)"'],
    about: [],
    options: OPTIONS.filter((o) => o.group !== "command").map((o) => ({ flag: o.flag })),
    positionals: [],
  },
  {
    path: ["get-login-password"],
    summary: "print the registry password alone, like aws ecr get-login-password",
    usage: [
      "get-login-password [task options]",
      "ecr-vars get-login-password --region eu-west-1 | docker login --username AWS --password-stdin HOST",
    ],
    about: [
      "Prints the password of the (first) registry and a newline, exactly as `aws ecr",
      "get-login-password` does, for `docker|podman|helm|oras login --password-stdin`. The same as",
      "--format password. It refuses to print to a terminal unless --force is given.",
    ],
    options: [...TASK, ...flags("connectors", "cache", "timeout", "force")],
    positionals: [],
  },
  {
    path: ["exec"],
    summary: "run a command with the variables in its environment, its output redacted",
    usage: ["exec [task options] -- COMMAND [ARGS...]"],
    about: [
      "Runs COMMAND with the variables in its environment (CUSTOM_AWS_ECR_PASSWORD, in Bamboo",
      "bamboo_custom_aws_ecr_password; see --env-prefix and --namespace). Its stdout and stderr pass",
      "through a redactor that masks every",
      "secret and its encoded forms. The exit status is COMMAND's; 127 when it cannot be started.",
      "A COMMAND ended by TERM, INT, HUP, ALRM, USR2 or KILL ends ecr-vars with that signal; any",
      "other signal (SEGV, ABRT, QUIT, ...) gives status 128 + its number, never a core dump.",
    ],
    options: [...TASK, ...flags("connectors", "env-prefix", "cache", "timeout")],
    positionals: [],
    rest: "COMMAND [ARGS...]",
  },
  {
    path: ["logout"],
    summary: "remove the entries ecr-vars wrote from a Docker / containers auth file",
    usage: ["logout [--format docker-config|helm-config|kaniko-config] [--output FILE]"],
    about: [
      "Removes the auths and credHelpers entries that ecr-vars --format docker-config (helm-config,",
      "kaniko-config) added to FILE. Entries written or changed by anything else stay.",
    ],
    options: [
      {
        flag: "format",
        description: "whose auth file, when --output is not given",
        default: "docker-config",
      },
      {
        flag: "output",
        description: "the auth file",
        default:
          "the format's default file; docker-config: $REGISTRY_AUTH_FILE, else $DOCKER_CONFIG/config.json, else ~/.docker/config.json",
      },
    ],
    positionals: [],
  },
  {
    path: ["connectors", "list"],
    summary: "list the connectors of the connectors file (no secrets)",
    usage: ["connectors list [--connectors FILE] [--json]"],
    about: ["The connectors of the file: id, name, type and what each is based on (no secrets)."],
    options: [
      {
        flag: "connectors",
        description:
          "the connectors file; default: $ECR_VARS_CONNECTORS, else $XDG_CONFIG_HOME/ecr-vars/connectors.yml (~/.config/ecr-vars/connectors.yml)",
      },
      { flag: "json" },
    ],
    positionals: [],
  },
  {
    path: ["connectors", "test"],
    summary: "resolve a connector and print its account and ARN (STS GetCallerIdentity)",
    usage: ["connectors test ID|NAME [--connectors FILE] [--region CODE] [--timeout SECONDS]"],
    about: [
      "Resolves one connector and calls STS GetCallerIdentity with it: prints account and ARN.",
    ],
    options: [
      {
        flag: "connectors",
        description:
          "the connectors file; default: $ECR_VARS_CONNECTORS, else $XDG_CONFIG_HOME/ecr-vars/connectors.yml (~/.config/ecr-vars/connectors.yml)",
      },
      {
        flag: "region",
        description: "region of the STS calls",
        default: "$AWS_REGION, else $AWS_DEFAULT_REGION, else the profile's region, else us-east-1",
      },
      { flag: "timeout", description: "overall deadline of the test" },
    ],
    positionals: [{ name: "ID|NAME", required: true, description: "the connector's id or name" }],
  },
  {
    path: ["policy"],
    summary: "print the least-privilege IAM policy for the task's registries",
    usage: [
      "policy [--pull] [--push] [--partition NAME] [task options]",
      "aws iam put-role-policy --role-name ROLE --policy-name ecr-vars \\",
      '  --policy-document "$(ecr-vars policy --push --registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com)"',
    ],
    about: [
      "Prints the least-privilege IAM policy for the task's registries (the same --task, --region,",
      "--registry-id and --registry options as the main job) as JSON. Always:",
      "ecr:GetAuthorizationToken (limited to the registries' regions); for ECR Public",
      "ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken.",
    ],
    options: [...flags("pull", "push", "partition"), ...TASK],
    positionals: [],
  },
  {
    path: ["doctor"],
    summary: "say why a pull or a login fails: each check one line with ✓ or ✗ and a fix",
    usage: ["doctor [--registry HOST ...] [--region CODE] [--format json]"],
    about: [
      "Checks, in order: what each link of the default credential chain yields and who it is (no",
      "secrets), ecr:GetAuthorizationToken with that identity (a real call), the clock against",
      "AWS's Date header, the instance metadata service (IMDSv2, hop limit), proxy routing per",
      "endpoint, a web identity token's iss/sub/aud/exp against STS, the cache directory, the",
      "helper config and connectors file, and per registry the program docker and podman ask",
      "(credHelpers, credsStore, auths) and whether it answers. Without --registry: the caller's",
      "own registry in the region. Exit 0 only when every check passes, else the exit code of the",
      "first failure (docs/doctor.md).",
    ],
    options: [
      {
        flag: "registry",
        description:
          "a registry to check (repeatable); default: the caller's own registry in the region",
      },
      {
        flag: "region",
        description: "region of the calls when no --registry names one",
        default: "$AWS_REGION, else $AWS_DEFAULT_REGION, else the profile's region, else us-east-1",
      },
      { flag: "format", description: "text (one line per check) or json", default: "text" },
      ...flags("connectors", "timeout"),
    ],
    positionals: [],
  },
  {
    path: ["help"],
    summary: "show the help of ecr-vars or of one command",
    usage: ["help [COMMAND [SUBCOMMAND]]"],
    about: ["Shows the help of ecr-vars, or of a command: ecr-vars help connectors test."],
    options: [],
    positionals: [
      { name: "COMMAND", required: false, description: "a command, e.g. exec or connectors" },
      { name: "SUBCOMMAND", required: false, description: "a subcommand, e.g. test" },
    ],
  },
];

/** `ecr-vars connectors test` from its path. */
export function commandName(command: CommandSpec): string {
  return ["ecr-vars", ...command.path].join(" ");
}

/** The options a command accepts, globals included, resolved against the option table. */
export function commandOptions(command: CommandSpec): OptionSpec[] {
  const own = [...command.options, ...flags(...GLOBAL_FLAGS)];
  const seen = new Set<string>();
  const specs: OptionSpec[] = [];
  for (const option of own) {
    if (seen.has(option.flag)) continue;
    seen.add(option.flag);
    const spec = optionSpec(option.flag);
    if (spec === undefined) throw new Error(`command option --${option.flag} is not in OPTIONS`);
    specs.push({
      ...spec,
      ...(option.description === undefined ? {} : { description: option.description }),
      ...(option.default === undefined ? {} : { default: option.default }),
    });
  }
  return specs;
}

/** Commands whose path starts with `prefix` (`["connectors"]` → list and test). */
export function commandsUnder(prefix: readonly string[]): CommandSpec[] {
  return COMMANDS.filter(
    (c) => c.path.length > prefix.length - 1 && prefix.every((word, i) => c.path[i] === word),
  );
}

/** The first words of every command: `exec`, `connectors`, ... */
export const COMMAND_WORDS: readonly string[] = [
  ...new Set(COMMANDS.flatMap((c) => (c.path[0] === undefined ? [] : [c.path[0]]))),
];
