/**
 * @smithy/core's UUID v4 as our SDK bundles see it (scripts/bundles.mjs): node:crypto's
 * randomUUID, which the `crypto` global's is too. Reading that global loads Node's web crypto
 * (about a quarter of a millisecond of every fresh fetch) for the invocation id of each request
 * (README "Start-up").
 */

import { randomUUID } from "node:crypto";

/** The same signature as @smithy/core's: `getRandomValues` is what it falls back on. */
export function bindV4(_getRandomValues: (bytes: Uint8Array) => unknown): () => string {
  return () => randomUUID();
}
