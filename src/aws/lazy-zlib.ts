/**
 * node:zlib as the AWS SDK's core sees it in our bundles (scripts/bundles.mjs). @smithy/core
 * asks at start-up whether zlib has crc32, for checksums of request and response bodies that no
 * call of ours asks for; loading node:zlib only to answer costs every fresh fetch up to 3 ms on
 * Node 26 (README "Start-up"). Here crc32 exists exactly where Node's does (Node 20.15 and later
 * in 20, 22.2 and later) and loads node:zlib when it is first called.
 */

import type * as Zlib from "node:zlib";

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const hasCrc32 = major > 22 || (major === 22 && minor >= 2) || (major === 20 && minor >= 15);

let zlib: typeof Zlib | undefined;

export const crc32: typeof Zlib.crc32 | undefined = hasCrc32
  ? (data, value) => {
      zlib ??= require("node:zlib") as typeof Zlib;
      return zlib.crc32(data, value);
    }
  : undefined;
