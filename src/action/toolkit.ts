/**
 * What the Action takes from `@actions/core` (passed in, so the steps are testable), the
 * redactor that also masks in the runner's log, the state the main step leaves for the post
 * step, and how a failure is reported.
 */

import { isEcrVarsError } from "../core/errors.js";
import type { Logger } from "../platform/logger.js";
import { derivedForms, Redactor } from "../platform/redactor.js";

/** The part of `@actions/core` the Action uses. */
export interface ActionCore {
  getInput(name: string): string;
  setSecret(secret: string): void;
  exportVariable(name: string, value: string): void;
  setOutput(name: string, value: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  getIDToken(audience?: string): Promise<string>;
  isDebug(): boolean;
  warning(message: string): void;
  setFailed(message: string): void;
}

/** Names under which the main step leaves state for the post step (`STATE_<name>`). */
export const STATE = {
  logins: "logins",
  skipLogout: "skip-logout",
  temp: "temp",
} as const;

/** The registries the main step logged in to, and how. */
export type SavedLogins =
  | { readonly method: "cli"; readonly hosts: readonly string[] }
  | { readonly method: "file"; readonly path: string; readonly hosts: readonly string[] };

// The runner ignores masks this short, and masking them would blank ordinary words in the log.
const MIN_MASK_LENGTH = 4;

/**
 * A redactor that registers every secret, and each form it takes when encoded, with the runner
 * (`::add-mask::`) as soon as it learns of it: mask first, then act.
 *
 * With `maskPassword: false` (amazon-ecr-login's `mask-password: false`) the password inside an
 * ECR authorization token is not registered with the runner, so that a job output holding it can
 * reach another job; the token itself, the other secrets, and our own log lines stay redacted.
 * The token always arrives before its password (task/run.ts adds them in that order).
 */
export class MaskingRedactor extends Redactor {
  readonly #masked = new Set<string>();
  readonly #mask: (secret: string) => void;
  readonly #maskPassword: boolean;
  readonly #withheld = new Set<string>();

  constructor(mask: (secret: string) => void, options: { maskPassword?: boolean } = {}) {
    super();
    this.#mask = mask;
    this.#maskPassword = options.maskPassword ?? true;
  }

  override add(secret: string | undefined): void {
    super.add(secret);
    if (secret === undefined) return;
    if (!this.#maskPassword) {
      const password = passwordOfToken(secret);
      if (password !== undefined) this.#withheld.add(password);
      if (this.#withheld.has(secret)) return;
    }
    for (const form of derivedForms(secret)) {
      if (form.length < MIN_MASK_LENGTH || this.#masked.has(form)) continue;
      this.#masked.add(form);
      this.#mask(form);
    }
  }
}

/** Reports an error as the step's failure (`::error::`), with its problems and fix, redacted. */
export function reportFailure(
  error: unknown,
  core: ActionCore,
  redactor: Redactor,
  logger: Logger,
  inputOf: (flag: string) => string | undefined = () => undefined,
): void {
  // Messages name CLI flags (`--region`); here the user wrote inputs (`region`).
  const asInputs = (text: string) =>
    text.replace(/--([a-z][a-z-]*)/g, (whole, flag: string) => {
      const input = inputOf(flag);
      return input === undefined ? whole : `input ${input}`;
    });
  const lines: string[] = [];
  if (isEcrVarsError(error)) {
    lines.push(`ecr-vars: ${error.message}`);
    for (const problem of error.problems) {
      lines.push(
        asInputs(
          `${problem.field}: ${problem.message}${problem.hint ? ` (fix: ${problem.hint})` : ""}`,
        ),
      );
    }
    if (error.hint) lines.push(asInputs(`fix: ${error.hint}`));
  } else {
    lines.push(
      `ecr-vars: internal error: ${error instanceof Error ? error.message : String(error)}`,
    );
    lines.push("fix: re-run the job with debug logging and report the output");
    if (logger.debugEnabled && error instanceof Error && error.stack) logger.debug(error.stack);
  }
  core.setFailed(redactor.redact(lines.join("\n")));
}

/** The password half of an ECR authorization token (canonical base64 of `user:password`). */
function passwordOfToken(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const bytes = Buffer.from(value, "base64");
  if (bytes.toString("base64") !== value) return undefined;
  const text = bytes.toString("utf8");
  const colon = text.indexOf(":");
  return colon > 0 && colon < text.length - 1 ? text.slice(colon + 1) : undefined;
}
