/** The contract every output format implements: a pure renderer from variables to text. */

import type { RegistrySummary } from "../core/registries.js";
import type { Variable } from "../core/variables.js";

export interface RenderOptions {
  /** Namespace of the variables, e.g. `custom.aws`. */
  readonly namespace: string;
  /** Prefix of environment names (SPEC 2.2), `bamboo_` unless `--env-prefix` says otherwise. */
  readonly envPrefix: string;
  /** `local` or `result` (SPEC 2.4). */
  readonly scope: "local" | "result";
  /** Where the rendered text is going to be written, when it is a file. */
  readonly outputPath?: string;
  /** With more than one registry: what each one is and where its own variables are. */
  readonly registries?: readonly RegistrySummary[];
  /** `docker-config` only: write `credHelpers` pointers to our helper instead of secrets. */
  readonly credentialHelper?: boolean;
}

/** What a renderer produces: the text to write and notes for the human summary on stderr. */
export interface RenderPlan {
  readonly text: string;
  /** Lines for the human (e.g. the Inject task settings to use); never contain secret values. */
  readonly notes: readonly string[];
}

export interface Renderer {
  readonly name: string;
  /** One line for `--help` and the README. */
  readonly description: string;
  /**
   * How this format keeps secrets out of logs, one line for `--help` and the README
   * (e.g. "Bamboo masks names containing 'password'").
   */
  readonly masking: string;
  render(variables: readonly Variable[], options: RenderOptions): RenderPlan;
  /**
   * For formats that update a file others also write (`docker-config`): the new text from the
   * file's current text (undefined when it does not exist). The caller does the locked I/O.
   */
  merge?(
    existing: string | undefined,
    variables: readonly Variable[],
    options: RenderOptions,
  ): RenderPlan;
}
