/** Nesting depth of parsed documents: hostile files nest deep to overflow recursive walkers. */

/** Nesting deeper than this in a configuration or auth file is refused before anything walks it. */
export const MAX_NESTING = 64;

/**
 * The deepest nesting of arrays and objects in a parsed value, counted without recursion (a
 * recursive walk of a 100,000-level document would overflow the stack); stops past `limit`.
 */
export function nestingDepth(value: unknown, limit = MAX_NESTING): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== "object" || current === null) continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Object.values(current)) stack.push([child, level]);
  }
  return deepest;
}
