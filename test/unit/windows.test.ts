/**
 * What Windows changes for the token cache and the auth-file lock (docs/reference.md, "Windows"): no
 * `process.getuid`, stat reports uid 0 and modes from the read-only attribute (0o666 for a
 * writable file, 0o777 for a directory). Both are simulated here: getuid removed, the files'
 * modes set to what Windows reports.
 */

import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  type CachedToken,
  cacheFile,
  lookup,
  readCache,
  updateCache,
} from "../../src/cache/store.js";
import { updateConfigFile } from "../../src/platform/docker-config-file.js";
import { hasPosixModes, isOwnedByUser, isPrivateToUser } from "../../src/platform/owner.js";

const now = new Date("2030-01-01T00:00:00Z");
const token: CachedToken = {
  identity: "arn:aws:iam::123456789012:user/ci",
  registryId: "123456789012",
  region: "eu-west-1",
  authorizationToken: Buffer.from("AWS:secret").toString("base64"),
  proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
  expiresAt: "2030-01-01T12:00:00Z",
  fetchedAt: "2030-01-01T00:00:00Z",
};

let dir: string;
const getuid = Object.getOwnPropertyDescriptor(process, "getuid");

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ecr-vars-windows-"));
});

afterEach(async () => {
  if (getuid !== undefined) Object.defineProperty(process, "getuid", getuid);
  await rm(dir, { recursive: true, force: true });
});

function withoutGetuid(): void {
  Object.defineProperty(process, "getuid", {
    value: undefined,
    configurable: true,
    writable: true,
  });
}

describe("without process.getuid (Windows)", () => {
  test("ownership and privacy checks pass; POSIX modes are not used", () => {
    const none = () => undefined;
    expect(isOwnedByUser({ uid: 0, mode: 0o100666 }, none)).toBe(true);
    expect(isPrivateToUser({ uid: 0, mode: 0o100666 }, 0o077, none)).toBe(true);
    expect(hasPosixModes(none)).toBe(false);
    // With uids the same checks hold their ground.
    expect(isPrivateToUser({ uid: 1000, mode: 0o100600 }, 0o077, () => 1001)).toBe(false);
    expect(isPrivateToUser({ uid: 1000, mode: 0o100644 }, 0o077, () => 1000)).toBe(false);
    expect(isPrivateToUser({ uid: 1000, mode: 0o100600 }, 0o077, () => 1000)).toBe(true);
  });

  test("the token cache is written, then read back with Windows' modes", async () => {
    withoutGetuid();
    await updateCache(
      dir,
      (data) => {
        data.tokens.t = token;
        data.aliases.config = "t";
      },
      now,
    );
    // Windows reports a writable file as 0o666 and a directory as 0o777.
    await chmod(cacheFile(dir), 0o666);
    await chmod(dir, 0o777);
    expect(lookup(await readCache(dir), "config", now)).toEqual(token);

    // A second writer adds to the file rather than failing on its owner or mode.
    await updateCache(
      dir,
      (data) => {
        data.tokens.u = { ...token, region: "us-east-1" };
        data.aliases.other = "u";
      },
      now,
    );
    const data = await readCache(dir);
    expect(Object.keys(data.tokens).sort()).toEqual(["t", "u"]);
  });

  test("an auth file is merged under its lock", async () => {
    withoutGetuid();
    const path = join(dir, "docker", "config.json");
    const writers = Array.from({ length: 8 }, (_, i) =>
      updateConfigFile(
        path,
        (existing) => {
          const config = existing === undefined ? { auths: {} } : JSON.parse(existing);
          config.auths[`registry-${i}`] = { auth: "x" };
          return { text: JSON.stringify(config) };
        },
        { createDirectory: true },
      ),
    );
    await Promise.all(writers);
    const auths = JSON.parse(await readFile(path, "utf8")).auths;
    expect(Object.keys(auths).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `registry-${i}`).sort(),
    );
  });
});
