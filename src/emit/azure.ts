/**
 * `azure`: Azure Pipelines logging commands, and nothing else on stdout. First
 * `##vso[task.setsecret]` for every form a secret takes when encoded (the agent masks these in
 * the log from then on), then `##vso[task.setvariable]` for every variable: secrets with
 * `issecret=true` before the others, and `isOutput=true` with scope result so that later jobs
 * and stages can read them. Values are escaped as the agent's own task library does.
 * docs/ci/azure.md.
 */

import type { Variable } from "../core/variables.js";
import { maskValues } from "./masks.js";
import { checkEnvValue } from "./problems.js";
import { LOAD_IN_THIS_SHELL } from "./sh.js";
import type { Renderer } from "./types.js";

/** A logging command's data: `%` `\r` `\n` as the agent reads them back. */
export function azureData(text: string): string {
  return text.replaceAll("%", "%AZP25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** A logging command's property value: also `]` and `;`, which would end the property list. */
export function azureProperty(text: string): string {
  return azureData(text).replaceAll("]", "%5D").replaceAll(";", "%3B");
}

function setVariable(variable: Variable, output: boolean): string {
  checkEnvValue("azure", variable);
  const properties = [
    `variable=${azureProperty(variable.name)}`,
    ...(variable.secret ? ["issecret=true"] : []),
    ...(output ? ["isOutput=true"] : []),
  ];
  return `##vso[task.setvariable ${properties.join(";")}]${azureData(variable.value)}\n`;
}

export const azure: Renderer = {
  name: "azure",
  description:
    "Azure Pipelines logging commands: ##vso[task.setsecret] for every secret form, then ##vso[task.setvariable] for each variable (secrets with issecret=true first; isOutput=true with --scope result)",
  masking:
    "the agent masks every secret from the first command on; secret variables reach scripts only through an explicit env: mapping",
  maskingKind: "commands",
  defaultOutput: { kind: "stdout" },
  ci: "azure",
  agentCommands: true,
  loading: () =>
    `stdout carries logging commands that the agent turns into variables for the later steps of this job (eval of them sets nothing); to load them into this step's shell, ${LOAD_IN_THIS_SHELL}`,
  scopes: ["local", "result"],
  render(variables, options) {
    const output = options.scope === "result";
    const masks = maskValues(variables, options).map(
      (form) => `##vso[task.setsecret]${azureData(form)}\n`,
    );
    const secrets = variables.filter((v) => v.secret).map((v) => setVariable(v, output));
    const plain = variables.filter((v) => !v.secret).map((v) => setVariable(v, output));
    return {
      text: [...masks, ...secrets, ...plain].join(""),
      notes: [
        output
          ? "Azure Pipelines: output variables (isOutput=true): give this step a name and read them in later jobs as dependencies.<job>.outputs['<step>.<variable>']"
          : `Azure Pipelines: variables for the later steps of this job, e.g. $(${options.namespace}.ecr.proxyEndpointDomain); map secrets explicitly (env: { ECR_PASSWORD: $(${options.namespace}.ecr.password) })`,
      ],
    };
  },
};
