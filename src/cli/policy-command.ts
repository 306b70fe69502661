/**
 * `ecr-vars policy [--pull] [--push] [task options]`: prints the least-privilege IAM policy for
 * the task's registries as JSON, ready for `aws iam put-role-policy --policy-document`. It makes
 * no AWS call and reads no credentials; notes go to stderr so stdout stays pure JSON.
 */

import { ExitCode, usageError } from "../core/errors.js";
import { buildPolicy, partitionsOf } from "../core/policy.js";
import { registrySpecsOf, resolveRegistries } from "../core/registries.js";
import { resolveRegion } from "../task/resolve.js";
import type { CommandContext } from "./io.js";
import { loadTask } from "./task-input.js";

export async function runPolicyCommand(context: CommandContext): Promise<number> {
  const { io, values: flags } = context;
  const { task, label } = await loadTask(flags, io.env);
  const region = resolveRegion(task, io.env, label)?.region;
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
  for (const note of policy.notes) context.logger.info(`ecr-vars policy: note: ${note}`);
  return ExitCode.ok;
}
