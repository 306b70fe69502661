/** Shared inputs of the emit tests. */

import { buildVariables, type Variable } from "../../src/core/variables.js";
import type { RenderOptions } from "../../src/emit/index.js";

export const OPTIONS: RenderOptions = {
  namespace: "custom.aws",
  envNaming: { prefix: "bamboo_" },
  scope: "local",
};

/** The seven variables of one registry, as the task builds them from an ECR answer. */
export function ecrVariables(password: string, namespace = "custom.aws"): Variable[] {
  return buildVariables(
    {
      authorizationToken: Buffer.from(`AWS:${password}`).toString("base64"),
      expiresAt: new Date("2026-11-26T11:39:00Z"),
      proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
    },
    namespace,
  );
}

/** A password shaped like ECR's (base64 of a JSON envelope), shortened. */
export const ECR_PASSWORD = "eyJwYXlsb2FkIjoiQUJDK2RlZi9naGk9IiwidmVyc2lvbiI6IjIifQ==";

/** Every character class that some format treats specially, with surrounding spaces. */
export const AWKWARD_PASSWORD = ` p'a"s$s\`w\\o\\\\rd = : # ! %PATH% ^ & | < > ; \u{1f4a5} \u00e9\n\tline2 $(id) \${HOME} `;

/** A single variable with any name and value, for format-level cases. */
export function variable(value: string, name = "custom.aws.ecr.password"): Variable {
  const relativeName = name.split(".").slice(2).join(".");
  return { name, relativeName, value, secret: true };
}
