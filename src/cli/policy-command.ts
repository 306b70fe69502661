/**
 * `ecr-vars policy [--pull] [--push] [task options]`: prints the least-privilege IAM policy for
 * the task's registries as JSON, ready for `aws iam put-role-policy --policy-document`. It makes
 * no AWS call and reads no credentials; notes go to stderr so stdout stays pure JSON.
 */

import { parseArgs } from "node:util";
import { ExitCode, isEcrVarsError, usageError } from "../core/errors.js";
import { buildPolicy, partitionsOf } from "../core/policy.js";
import { registrySpecsOf, resolveRegistries } from "../core/registries.js";
import { Redactor } from "../platform/redactor.js";
import { resolveRegion } from "../task/resolve.js";
import type { CliIo } from "./io.js";
import { OPTIONS } from "./options.js";
import { reportError } from "./report.js";
import { type FlagValues, loadTask } from "./task-input.js";

const TASK_OPTIONS = OPTIONS.filter((o) => o.group === "task" || o.group === "credentials");

export const POLICY_USAGE = `USAGE
  ecr-vars policy [--pull] [--push] [--partition NAME] [task options]

  Prints the least-privilege IAM policy for the task's registries (the same --task, --region,
  --registry-id and --registry options as the main job) as JSON:
    aws iam put-role-policy --role-name ROLE --policy-name ecr-vars \\
      --policy-document "$(ecr-vars policy --push --registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com)"

  Always: ecr:GetAuthorizationToken (limited to the registries' regions); for ECR Public
  ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken.

OPTIONS
  --pull              also allow pulling images from the registries' repositories
  --push              also allow pushing images (ECR Public too)
  --partition NAME    only the registries of this partition (one IAM policy serves one partition)
  --help              show this help
`;

export async function runPolicyCommand(io: CliIo): Promise<number> {
  try {
    const flags = parse(io.argv.slice(1));
    if (flags.help === true) {
      io.stdout.write(POLICY_USAGE);
      return ExitCode.ok;
    }
    const { task, label } = await loadTask(flags);
    const region = resolveRegion(task, io.env, label);
    let registries = resolveRegistries(
      registrySpecsOf(task),
      region,
      task.registries === undefined ? "registryIds" : "registries",
    );
    const partitions = partitionsOf(registries);
    const wanted = typeof flags.partition === "string" ? flags.partition : undefined;
    if (wanted !== undefined) {
      if (!partitions.includes(wanted)) {
        throw usageError(
          `no registry is in partition ${wanted}`,
          `use one of: ${partitions.join(", ")}`,
        );
      }
      registries = registries.filter((r) => r.partition === wanted);
    } else if (partitions.length > 1) {
      throw usageError(
        `the registries are in ${partitions.length} partitions (${partitions.join(", ")}), and one IAM policy serves one partition`,
        `run once per partition with --partition, e.g. --partition ${partitions[0]}`,
      );
    }
    const policy = buildPolicy(registries, {
      pull: flags.pull === true,
      push: flags.push === true,
    });
    io.stdout.write(`${JSON.stringify(policy.document, null, 2)}\n`);
    for (const note of policy.notes) io.stderr.write(`ecr-vars policy: note: ${note}\n`);
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, {
      stderr: io.stderr,
      redactor: new Redactor(),
      program: "ecr-vars policy",
    });
  }
}

function parse(argv: readonly string[]): FlagValues {
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {
    pull: { type: "boolean" },
    push: { type: "boolean" },
    partition: { type: "string" },
    help: { type: "boolean" },
  };
  for (const spec of TASK_OPTIONS) {
    options[spec.flag] = { type: spec.type, ...(spec.multiple ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: true,
    });
    const [extra] = positionals;
    if (extra !== undefined) {
      throw usageError(`unexpected argument "${extra}"`, "see ecr-vars policy --help");
    }
    return values as FlagValues;
  } catch (error) {
    if (isEcrVarsError(error)) throw error;
    const option = /'(-{1,2}[^']*)'/.exec(String(error))?.[1];
    throw usageError(
      option === undefined ? String(error) : `unknown or incomplete option ${option}`,
      "see ecr-vars policy --help",
    );
  }
}
