/**
 * Every input ecr-vars reads is bounded: each hostile or mistaken input below ends in a clear
 * error with a documented exit code, no stack trace, no secret and no file written.
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CLI } from "../support/cli.js";
import {
  type E2eContext,
  expectNoSecrets,
  expectNoStack,
  startE2e,
} from "../support/e2e-harness.js";
import { HELPER } from "../support/registry.js";

let ctx: E2eContext;
beforeAll(async () => {
  ctx = await startE2e();
});
afterAll(async () => {
  await ctx?.close();
});

const MiB = 1024 * 1024;
const deepJson = (levels: number) => `{"region": ${"[".repeat(levels)}${"]".repeat(levels)}}`;
const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
  "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
  "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
  "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]",
  "region: [*g,*g,*g,*g,*g,*g,*g,*g,*g]",
].join("\n");

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(
  file: string,
  args: readonly string[],
  input?: string,
  env = ctx.env(),
): Promise<Result> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [file, ...args],
      { env, cwd: ctx.dir, timeout: 60_000, maxBuffer: 64 * MiB },
      (error, stdout, stderr) =>
        done({
          code: error ? (typeof error.code === "number" ? error.code : -1) : 0,
          stdout,
          stderr,
        }),
    );
    // A bounded reader stops early: the rest of the input meets a closed pipe.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(input ?? "");
  });
}

interface Case {
  readonly name: string;
  /** Files to create in a fresh directory, then the CLI arguments (FILE names resolved there). */
  readonly files?: Record<string, string | Buffer>;
  readonly args: (dir: string) => string[];
  readonly code: number;
  readonly message: (dir: string) => string;
}

const CONNECTORS_HEAD = (secret: string) =>
  [
    "connectors:",
    "  - id: 00000000-0000-4000-8000-000000000001",
    "    name: keys",
    "    type: access-keys",
    "    accessKeyId: AKIAEXAMPLEKEY000001",
    `    secretAccessKey: \${file:${secret}}`,
    "",
  ].join("\n");

const CASES: Case[] = [
  {
    name: "/dev/urandom as the task file (before: 1.1 GB read, then internal error; then 1 MiB read)",
    args: () => ["--task", "/dev/urandom"],
    code: 2,
    message: () =>
      "cannot read the task file /dev/urandom: it is not a regular file (a FIFO, socket or device)",
  },
  {
    name: "a 2 MiB task file",
    files: { "task.yml": `region: eu-west-1\n${"# padding\n".repeat(MiB / 5)}` },
    args: (d) => ["--task", join(d, "task.yml")],
    code: 2,
    message: (d) => `cannot read the task file ${join(d, "task.yml")}: it is larger than 1 MiB`,
  },
  {
    name: "a directory as the task file",
    args: (d) => ["--task", d],
    code: 2,
    message: (d) => `cannot read the task file ${d}: it is a directory`,
  },
  {
    name: "a 5000-deep JSON task file (before: stack overflow)",
    files: { "task.json": deepJson(5000) },
    args: (d) => ["--task", join(d, "task.json")],
    code: 2,
    message: (d) =>
      `the task file ${join(d, "task.json")} is refused: it nests deeper than 64 levels`,
  },
  {
    name: "a 5000-deep YAML task file",
    files: { "task.yml": deepJson(5000) },
    args: (d) => ["--task", join(d, "task.yml")],
    code: 2,
    message: (d) =>
      `the task file ${join(d, "task.yml")} is refused: it nests deeper than 64 levels`,
  },
  {
    name: "a 100,000-deep JSON task file",
    files: { "task.json": deepJson(100_000) },
    args: (d) => ["--task", join(d, "task.json")],
    code: 2,
    message: (d) =>
      `the task file ${join(d, "task.json")} is refused: it nests deeper than 64 levels`,
  },
  {
    name: "a YAML alias bomb as the task file (before: internal error, exit 4)",
    files: { "task.yml": ALIAS_BOMB },
    args: (d) => ["--task", join(d, "task.yml")],
    code: 2,
    message: (d) =>
      `the task file ${join(d, "task.yml")} is refused: its aliases expand to too many nodes (at most 100 alias uses)`,
  },
  {
    name: "/dev/urandom as the connectors file",
    args: () => ["connectors", "list", "--connectors", "/dev/urandom"],
    code: 2,
    message: () =>
      "cannot read the connectors file /dev/urandom: it is not a regular file (a FIFO, socket or device)",
  },
  {
    name: "a YAML alias bomb as the connectors file",
    files: { "connectors.yml": ALIAS_BOMB.replace("region:", "connectors:") },
    args: (d) => ["connectors", "list", "--connectors", join(d, "connectors.yml")],
    code: 2,
    message: (d) =>
      `the connectors file ${join(d, "connectors.yml")} is refused: its aliases expand`,
  },
  {
    name: "a 5000-deep connectors file",
    files: { "connectors.json": `{"connectors": ${"[".repeat(5000)}${"]".repeat(5000)}}` },
    args: (d) => ["connectors", "list", "--connectors", join(d, "connectors.json")],
    code: 2,
    message: (d) =>
      `the connectors file ${join(d, "connectors.json")} is refused: it nests deeper than 64 levels`,
  },
  {
    name: "a connector's secret read from /dev/urandom",
    files: { "connectors.yml": CONNECTORS_HEAD("/dev/urandom") },
    args: (d) => [
      "--region",
      "eu-west-1",
      "--source",
      "connector",
      "--connector",
      "keys",
      "--connectors",
      join(d, "connectors.yml"),
    ],
    code: 3,
    message: () => "references the file /dev/urandom, which cannot be read (larger than 64 KiB)",
  },
  {
    name: "a 9 MiB auth file",
    files: { "config.json": `{"pad": "${"x".repeat(9 * MiB)}"}` },
    args: (d) => [
      "--region",
      "eu-west-1",
      "--format",
      "docker-config",
      "--output",
      join(d, "config.json"),
    ],
    code: 5,
    message: (d) => `refusing to update ${join(d, "config.json")}: it is larger than 8 MiB`,
  },
  {
    name: "a 5000-deep auth file",
    files: { "config.json": deepJson(5000) },
    args: (d) => [
      "--region",
      "eu-west-1",
      "--format",
      "docker-config",
      "--output",
      join(d, "config.json"),
    ],
    code: 5,
    message: (d) =>
      `${join(d, "config.json")} nests deeper than 64 levels; refusing to overwrite it`,
  },
  {
    name: 'an auth file with "credHelpers": ["a"] (before: became {})',
    files: { "config.json": '{"credHelpers": ["a"]}' },
    args: (d) => [
      "--region",
      "eu-west-1",
      "--format",
      "docker-config",
      "--credential-helper",
      "--output",
      join(d, "config.json"),
    ],
    code: 5,
    message: (d) =>
      `${join(d, "config.json")}: "credHelpers" is an array, not an object of registry entries`,
  },
  {
    name: 'an auth file with "auths": "x" (before: dropped silently)',
    files: { "config.json": '{"auths": "x"}' },
    args: (d) => [
      "--region",
      "eu-west-1",
      "--format",
      "docker-config",
      "--output",
      join(d, "config.json"),
    ],
    code: 5,
    message: (d) =>
      `${join(d, "config.json")}: "auths" is a string, not an object of registry entries`,
  },
  {
    name: 'logout of an auth file with "auths": "x"',
    files: { "config.json": '{"auths": "x"}' },
    args: (d) => ["logout", "--output", join(d, "config.json")],
    code: 5,
    message: (d) =>
      `${join(d, "config.json")}: "auths" is a string, not an object of registry entries`,
  },
];

let dirs = 0;
describe(`${CASES.length} bad inputs, each refused with a clear message`, () => {
  test.each(CASES)("$name: exit $code", async (c) => {
    const dir = ctx.path(`case-${dirs++}`);
    await mkdir(dir);
    for (const [name, text] of Object.entries(c.files ?? {}))
      await writeFile(join(dir, name), text);
    const result = await run(CLI, c.args(dir));
    expect(result.code, result.stderr).toBe(c.code);
    expect(result.stderr).toContain(c.message(dir));
    expect(result.stderr.length).toBeLessThan(4096);
    expect(result.stdout).toBe("");
    expectNoStack(result.stderr);
    // Nothing written, nothing left behind: the directory holds exactly what the case put there.
    expect((await readdir(dir)).sort()).toEqual(Object.keys(c.files ?? {}).sort());
    for (const [name, text] of Object.entries(c.files ?? {})) {
      expect((await readFile(join(dir, name), "utf8")) === text.toString()).toBe(true);
    }
  });
});

describe("a huge token from a hostile endpoint", () => {
  test.each([
    {
      size: "20 MB",
      password: `hostile-${"p".repeat(15 * MiB)}`,
      // Cut off while it arrives: the SDK would read the whole body into memory.
      message:
        /ecr-vars: error: an AWS answer was larger than 1 MiB \(a real one has a few kilobytes\), so it was refused and nothing was written\n {2}fix: /,
    },
    {
      size: "300 kB",
      password: `hostile-${"p".repeat(200 * 1024)}`,
      message:
        /ECR returned an authorization token of \d+ characters; a real one has a few thousand \(at most 65536 are accepted\), so it was refused and nothing was written/,
    },
  ])(
    "before: a 20 MB one crashed the redactor's regex, which dumped every secret form (408 MB) to stderr after the file was written; now $size is refused (exit 4) before anything is written",
    async ({ password, message }) => {
      const hostile = await startE2e({ password });
      try {
        const output = hostile.path("config.json");
        const result = await run(
          CLI,
          ["--region", "eu-west-1", "--format", "docker-config", "--output", output, "--cache"],
          undefined,
          hostile.env({ ECR_VARS_CACHE_DIR: hostile.path("cache") }),
        );
        expect(result.code).toBe(4);
        expect(result.stderr).toMatch(message);
        expect(result.stderr.length).toBeLessThan(4096);
        expect(result.stderr).not.toContain("pppppppp");
        expectNoStack(result.stderr);
        // Nothing but Node's compile cache (docs/start-up.md), which holds no secret.
        const written = await readdir(hostile.dir, { recursive: true });
        expect(written.filter((f) => f !== "cache" && !f.startsWith("cache/compile"))).toEqual([]);
      } finally {
        await hostile.close();
      }
    },
  );
});

describe("the credential helper's inputs", () => {
  test("a megabyte on stdin is refused with a message on stdout (exit 1), not read to the end", async () => {
    const result = await run(HELPER, ["get"], "x".repeat(MiB), ctx.bareEnv());
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("the request on stdin is larger than 64 KiB; send one server URL\n");
  });

  test("/dev/urandom as ECR_VARS_HELPER_CONFIG is refused with a message", async () => {
    const result = await run(
      HELPER,
      ["get"],
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      ctx.bareEnv({ ECR_VARS_HELPER_CONFIG: "/dev/urandom" }),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("the helper config /dev/urandom is larger than 1 MiB");
    expectNoSecrets(result.stdout, []);
  });
});
