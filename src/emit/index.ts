export { bamboo } from "./bamboo.js";
export { cmd, cmdSetValue } from "./cmd.js";
export { dotenv, dotenvValue } from "./dotenv.js";
export { json } from "./json.js";
export { powershell, powershellString } from "./powershell.js";
export { formatNames, getRenderer, rendererForCi, renderers } from "./registry.js";
export { sh, shellQuote } from "./sh.js";
export type { DefaultOutput, MaskingKind, Renderer, RenderOptions, RenderPlan } from "./types.js";
