/** The error that `action` throws, which must be a `kind`; anything else is thrown on. */
export function thrownBy<T extends Error>(
  kind: abstract new (...args: never[]) => T,
  action: () => unknown,
  otherwise = `expected a ${kind.name}`,
): T {
  try {
    action();
  } catch (error) {
    if (error instanceof kind) return error;
    throw error;
  }
  throw new Error(otherwise);
}
