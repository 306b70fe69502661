/**
 * A side run: help, the version, a subcommand other than the main job. Code caches are made for
 * the main job, and one written after a side run lacks most of it: launch.ts marks it partial,
 * and the next main-job run it serves writes it again, whole. Without this, a first run of
 * `--version` on a new Node version would leave every later cache hit compiling most of the
 * program from source (README "Start-up").
 */
export const SIDE_RUN = Symbol.for("ecr-vars.side-run");

export function markSideRun(): void {
  (globalThis as Record<symbol, unknown>)[SIDE_RUN] = true;
}
