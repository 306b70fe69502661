/**
 * Failures along a chain of connectors. Each link that could not produce credentials adds itself,
 * so the user sees every link that was tried and why it stopped, from the requested connector down
 * to the one that actually failed.
 */

import { EcrVarsError } from "../core/errors.js";

export interface ChainLink {
  /** The link, e.g. `connector "prod-push" (assume-role arn:...)`. */
  readonly label: string;
  /** What happened there: why it failed, or that it waited for its base. */
  readonly outcome: string;
}

export class CredentialChainError extends EcrVarsError {
  readonly links: readonly ChainLink[];

  constructor(root: EcrVarsError, links: readonly ChainLink[], message: string) {
    super({
      kind: root.kind,
      code: root.code,
      message,
      ...(root.hint === undefined ? {} : { hint: root.hint }),
      // One link says everything in its message; a longer chain lists its links.
      problems:
        links.length < 2
          ? []
          : links.map((link, i) => ({
              field: `link ${i + 1}: ${link.label}`,
              message: link.outcome,
            })),
      cause: root.cause ?? root,
    });
    this.links = links;
  }
}

/** The link `label` failed doing its own work (resolving a reference, an STS call, ...). */
export function linkFailed(label: string, error: EcrVarsError): CredentialChainError {
  if (error instanceof CredentialChainError) return error;
  return new CredentialChainError(
    error,
    [{ label, outcome: `failed: ${error.message}` }],
    `${label}: ${error.message}`,
  );
}

/** The link `label` could not start because its base (`baseLabel`) failed with `error`. */
export function baseFailed(
  label: string,
  baseLabel: string,
  error: EcrVarsError,
): CredentialChainError {
  const inner = error instanceof CredentialChainError ? error : linkFailed(baseLabel, error);
  const root = inner.links[inner.links.length - 1];
  const links = [
    { label, outcome: `not tried: its base ${baseLabel} gave no credentials` },
    ...inner.links,
  ];
  const rootText = root === undefined ? inner.message : `${root.label} ${root.outcome}`;
  return new CredentialChainError(inner, links, `no usable credentials for ${label}: ${rootText}`);
}
