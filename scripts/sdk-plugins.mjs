// esbuild plugins for the bundles that hold the AWS SDK (scripts/build.mjs, build-exe.mjs,
// build-action.mjs).
import { join, resolve } from "node:path";

/**
 * @smithy/core's CRC32 takes node:zlib's crc32 where there is one: there it gets
 * src/aws/lazy-zlib.ts, which has the same crc32 but loads node:zlib only when it is called.
 */
export function lazyZlib(root = ".") {
  const crc32Module = join("checksum", "crc32", "Crc32Node.js");
  return {
    name: "lazy-zlib",
    setup(plugin) {
      plugin.onResolve({ filter: /^(node:)?zlib$/ }, (args) =>
        args.importer.endsWith(crc32Module)
          ? { path: resolve(root, "src/aws/lazy-zlib.ts") }
          : undefined,
      );
    },
  };
}
