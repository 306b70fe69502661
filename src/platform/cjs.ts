/**
 * Named exports of a CommonJS package reached through a bundled dynamic `import()`: esbuild
 * exposes such a module as `default` (packages with an ES build come through as they are).
 */
export function cjsExports<T extends object>(module: T): T {
  return (module as { default?: T }).default ?? module;
}
