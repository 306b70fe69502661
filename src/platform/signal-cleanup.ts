/**
 * Files that must not outlive an interrupted run: our lock and the temporary file of an atomic
 * write, which holds the full credentials until it is renamed. While any is registered, SIGINT,
 * SIGTERM and SIGHUP remove them (synchronously) and then end the process with the same signal,
 * as if no handler had been installed. SIGKILL cannot be caught: what it leaves is recovered by
 * the next run (see lock.ts and write-file.ts).
 */

import { readFileSync, unlinkSync } from "node:fs";

const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Path → the content it must still have to be ours (a lock), or null (a temp file). */
const tracked = new Map<string, string | null>();

function onSignal(signal: NodeJS.Signals): void {
  removeTracked();
  for (const s of SIGNALS) process.off(s, onSignal);
  // No handler is left (unless someone else's): the default action ends the process.
  process.kill(process.pid, signal);
}

/** Removes every registered file now (also used by tests). */
export function removeTracked(): void {
  for (const [path, content] of tracked) {
    try {
      if (content === null || readFileSync(path, "utf8") === content) unlinkSync(path);
    } catch {
      // Already gone, or not ours any more.
    }
  }
  tracked.clear();
}

/**
 * Registers `path` for removal on SIGINT/SIGTERM/SIGHUP; `content`, when given, is what the file
 * must hold for us to remove it. Returns the function that unregisters it.
 */
export function removeOnSignal(path: string, content?: string): () => void {
  if (tracked.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  tracked.set(path, content ?? null);
  return () => {
    if (!tracked.delete(path) || tracked.size > 0) return;
    for (const s of SIGNALS) process.off(s, onSignal);
  };
}
