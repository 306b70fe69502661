/** The library API of ecr-vars. */

export { type FetchedAuthorization, fetchAuthorizations } from "./aws/ecr.js";
export type { CredentialProvider, Credentials } from "./core/credentials.js";
export { EcrVarsError, ExitCode, type FieldProblem } from "./core/errors.js";
export { resolveExpression } from "./core/expressions.js";
export { type EnvNaming, envName, envNamingFor } from "./core/names.js";
export { isRegion, partitionOf } from "./core/region.js";
export { parseTask, type TaskConfig, type TaskInput } from "./core/task.js";
export {
  buildVariables,
  decodeAuthorizationToken,
  isSecretName,
  type RegistryAuthorization,
  type Variable,
} from "./core/variables.js";
export { type Connector, loadConnectorsFile } from "./credentials/connectors-file.js";
export {
  fromConnector,
  fromDefaultChain,
  fromInstanceRole,
  withRole,
} from "./credentials/providers.js";
export { getRenderer, renderers } from "./emit/registry.js";
export type { Renderer, RenderOptions, RenderPlan } from "./emit/types.js";
export { Redactor } from "./platform/redactor.js";
export { runTask, type TaskOutcome } from "./task/run.js";
