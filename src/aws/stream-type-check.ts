/**
 * @smithy/core's stream-type-check as our SDK bundles see it (scripts/bundles.mjs): the same
 * answers, without reading the `ReadableStream` global for a value that cannot be one. Reading
 * it loads Node's web streams (and their worker ports), about half a millisecond of every fresh
 * fetch, to be told that an HTTP response, a Node stream, is not a web stream (README
 * "Start-up"). A web ReadableStream has a `getReader` method: only a value with one is checked
 * with `instanceof`. test/e2e/sdk-bundle.test.ts compares both with @smithy/core's.
 */

type Named = { readonly constructor?: { readonly name?: unknown } };

export const isReadableStream = (stream: unknown): boolean => {
  if (stream === null || typeof stream !== "object") return false;
  if ((stream as Named).constructor?.name === "ReadableStream") return true;
  return (
    typeof (stream as { readonly getReader?: unknown }).getReader === "function" &&
    stream instanceof ReadableStream
  );
};

export const isBlob = (blob: unknown): boolean =>
  typeof Blob === "function" &&
  ((blob as Named)?.constructor?.name === Blob.name || blob instanceof Blob);
