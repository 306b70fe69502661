/** `json`: one object of full variable names to values. */

import type { Renderer } from "./types.js";

export const json: Renderer = {
  name: "json",
  description:
    "one JSON object, full dotted variable names to values, pretty-printed; with several registries also a registries list describing each",
  masking:
    "none by itself: the file holds secrets in clear; write it with --output (a 0600 file) and never print it",
  maskingKind: "clear",
  defaultOutput: { kind: "stdout" },
  render(variables, options) {
    // fromEntries defines own properties, so even a name like `__proto__` is kept as data.
    const object: Record<string, unknown> = Object.fromEntries(
      variables.map((variable) => [variable.name, variable.value]),
    );
    // Variable names always contain `.ecr.`, so this key never collides with one of them.
    if (options.registries !== undefined) object.registries = options.registries;
    return { text: `${JSON.stringify(object, null, 2)}\n`, notes: [] };
  },
};
