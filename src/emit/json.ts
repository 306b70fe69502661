/** `json`: one object of full variable names to values. */

import type { Renderer } from "./types.js";

export const json: Renderer = {
  name: "json",
  description: "one JSON object, full dotted variable names to values, pretty-printed",
  masking:
    "none by itself: the file holds secrets in clear; write it with --output (a 0600 file) and never print it",
  render(variables) {
    // fromEntries defines own properties, so even a name like `__proto__` is kept as data.
    const object = Object.fromEntries(variables.map((variable) => [variable.name, variable.value]));
    return { text: `${JSON.stringify(object, null, 2)}\n`, notes: [] };
  },
};
