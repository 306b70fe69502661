/**
 * node:fs/promises as the AWS SDK's packages see it in our bundles (scripts/bundles.mjs): they
 * use its readFile alone (the shared config and credentials files, the SSO token cache, the
 * container authorization token), and loading node:fs/promises for it loads Node's file handles,
 * directory streams and readline too, about 0.7 ms of every fresh fetch (README "Start-up").
 * Here readFile is node:fs's, which is loaded already, as a promise: the same contents, the same
 * errors. test/e2e/sdk-bundle.test.ts compares the two.
 */

import { readFile as readFileWithCallback } from "node:fs";

type Options = Parameters<typeof import("node:fs/promises").readFile>[1];

export function readFile(path: string, options?: Options): Promise<string | Buffer> {
  return new Promise((resolve, reject) => {
    readFileWithCallback(path, options as never, (error: unknown, data: string | Buffer) =>
      error ? reject(error) : resolve(data),
    );
  });
}

export default { readFile };
