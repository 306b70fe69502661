export { azure } from "./azure.js";
export { bamboo } from "./bamboo.js";
export { buildkite } from "./buildkite.js";
export { circleci } from "./circleci.js";
export { cmd, cmdSetValue } from "./cmd.js";
export { creds } from "./creds.js";
export { dotenv, dotenvValue } from "./dotenv.js";
export { github } from "./github.js";
export { gitlab } from "./gitlab.js";
export { helmConfig } from "./helm-config.js";
export { jenkins } from "./jenkins.js";
export { json } from "./json.js";
export { kanikoConfig } from "./kaniko-config.js";
export { password } from "./password.js";
export { powershell, powershellString } from "./powershell.js";
export { formatNames, getRenderer, rendererForCi, renderers } from "./registry.js";
export { sh, shellQuote } from "./sh.js";
export type {
  AuthFileClient,
  DefaultOutput,
  ExtraOutput,
  MaskingKind,
  Renderer,
  RenderOptions,
  RenderPlan,
} from "./types.js";
