/** The secrets of a run and every form they take, in a stable order, for mask-registering formats. */

import type { Variable } from "../core/variables.js";
import type { RenderOptions } from "./types.js";

// CI systems ignore (or over-mask with) very short masks; the redactor uses the same floor.
const MIN_MASK_LENGTH = 4;

/** Each distinct secret value and its encoded forms, longest secrets' forms first within a value. */
export function maskValues(variables: readonly Variable[], options: RenderOptions): string[] {
  const forms = new Set<string>();
  for (const variable of variables) {
    if (!variable.secret) continue;
    for (const form of options.secretForms?.(variable.value) ?? [variable.value]) {
      if (form.length >= MIN_MASK_LENGTH) forms.add(form);
    }
  }
  return [...forms];
}
