import { lstat, mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { EcrVarsError } from "../../src/core/errors.js";
import { homeDir } from "../../src/platform/home.js";
import { derivedForms, MASK, Redactor } from "../../src/platform/redactor.js";
import { writeSecretFile } from "../../src/platform/write-file.js";
import { tempDir } from "../support/cli.js";

describe("homeDir", () => {
  test("HOME when set, else what os.homedir() says", () => {
    expect(homeDir({ HOME: "/home/someone" })).toBe("/home/someone");
    expect(homeDir({})).toBe(homedir());
    expect(homeDir({ HOME: "" })).toBe(homedir());
  });
});

describe("Redactor", () => {
  const secret = `pa'ss"w\\rd/+=?&é`;

  test.each(derivedForms(secret))("masks the derived form %s", (form) => {
    const redactor = new Redactor();
    redactor.add(secret);
    expect(redactor.redact(`before ${form} after`)).toBe(`before ${MASK} after`);
  });

  test("masks the base64 user:password form of a registry password", () => {
    const redactor = new Redactor();
    redactor.add("registry-password");
    const auth = Buffer.from("AWS:registry-password").toString("base64");
    expect(redactor.redact(`{"auth":"${auth}"}`)).toBe(`{"auth":"${MASK}"}`);
  });

  test("masks the longest match first, so a secret containing another leaves no tail", () => {
    const redactor = new Redactor();
    redactor.add("abcd");
    redactor.add("abcdefgh");
    expect(redactor.redact("x abcdefgh y abcd")).toBe(`x ${MASK} y ${MASK}`);
  });

  test("ignores values too short to mask safely and leaves other text alone", () => {
    const redactor = new Redactor();
    redactor.add("abc");
    redactor.add(undefined);
    expect(redactor.size).toBe(0);
    expect(redactor.redact("abc def")).toBe("abc def");
  });

  test("regex metacharacters in secrets are literal", () => {
    const redactor = new Redactor();
    redactor.add("a.b*c+(d)[e]");
    expect(redactor.redact("axb*c+(d)[e] a.b*c+(d)[e]")).toBe(`axb*c+(d)[e] ${MASK}`);
  });
});

describe("writeSecretFile", () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  async function dir(): Promise<string> {
    const made = await tempDir();
    cleanup = made.cleanup;
    return made.path;
  }

  test("creates the file with mode 0600 and leaves no temporary file", async () => {
    const path = join(await dir(), "out.env");
    await writeSecretFile(path, "SECRET=1\n");
    expect(await readFile(path, "utf8")).toBe("SECRET=1\n");
    expect((await lstat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(path, ".."))).toEqual(["out.env"]);
  });

  test("replaces a world-readable file with a 0600 one", async () => {
    const path = join(await dir(), "out.env");
    await writeFile(path, "old", { mode: 0o644 });
    await writeSecretFile(path, "new");
    expect(await readFile(path, "utf8")).toBe("new");
    expect((await lstat(path)).mode & 0o777).toBe(0o600);
  });

  test("refuses a symlink and leaves its target untouched", async () => {
    const base = await dir();
    const target = join(base, "target");
    await writeFile(target, "original");
    await symlink(target, join(base, "link"));
    const error = await writeSecretFile(join(base, "link"), "secret").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EcrVarsError);
    expect((error as EcrVarsError).code).toBe("OUTPUT_IS_SYMLINK");
    expect((error as EcrVarsError).exitCode).toBe(5);
    expect(await readFile(target, "utf8")).toBe("original");
  });

  test("a missing directory is an output error with no partial file", async () => {
    const base = await dir();
    const error = await writeSecretFile(join(base, "missing", "out"), "x").catch((e: unknown) => e);
    expect((error as EcrVarsError).exitCode).toBe(5);
    expect((error as EcrVarsError).message).toContain("its directory does not exist");
    expect(await readdir(base)).toEqual([]);
  });

  test("a directory at the path is refused, naming a file inside it as the fix (exit 5)", async () => {
    const base = await dir();
    await mkdir(join(base, "d"));
    const error = (await writeSecretFile(join(base, "d"), "x").catch(
      (e: unknown) => e,
    )) as EcrVarsError;
    expect(error.message).toBe(`refusing to write ${join(base, "d")}: it is a directory`);
    expect(error.hint).toBe(`name a file, e.g. --output ${join(base, "d", "config.json")}`);
    expect(error.exitCode).toBe(5);
  });
});
