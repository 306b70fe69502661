/** The output formats by name: the one place that lists them, for the CLI, its help and the README. */

import { azure } from "./azure.js";
import { bamboo } from "./bamboo.js";
import { buildkite } from "./buildkite.js";
import { circleci } from "./circleci.js";
import { cmd } from "./cmd.js";
import { creds } from "./creds.js";
import { dockerConfig } from "./docker-config.js";
import { dotenv } from "./dotenv.js";
import { github } from "./github.js";
import { gitlab } from "./gitlab.js";
import { helmConfig } from "./helm-config.js";
import { jenkins } from "./jenkins.js";
import { json } from "./json.js";
import { kanikoConfig } from "./kaniko-config.js";
import { kubernetes } from "./kubernetes.js";
import { password } from "./password.js";
import { powershell } from "./powershell.js";
import { sh } from "./sh.js";
import type { Renderer } from "./types.js";

/** Every renderer, in the order help and documentation list them. */
export const renderers: readonly Renderer[] = Object.freeze([
  bamboo,
  sh,
  powershell,
  cmd,
  dotenv,
  json,
  password,
  creds,
  dockerConfig,
  helmConfig,
  kanikoConfig,
  kubernetes,
  github,
  gitlab,
  azure,
  circleci,
  jenkins,
  buildkite,
]);

/** The names accepted by `--format`, in `renderers` order. */
export const formatNames: readonly string[] = Object.freeze(renderers.map((r) => r.name));

const byName: ReadonlyMap<string, Renderer> = new Map(renderers.map((r) => [r.name, r]));

/** The renderer called `name`, or undefined when there is no such format. */
export function getRenderer(name: string): Renderer | undefined {
  return byName.get(name);
}

/** The format outside a detected CI system, when `--format` is not given. */
export const FALLBACK_FORMAT = "sh";

/** The format of a CI system (`Renderer.ci`), used there when `--format` is not given. */
export function rendererForCi(ci: string): Renderer | undefined {
  return renderers.find((r) => r.ci === ci);
}
