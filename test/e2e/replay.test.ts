/**
 * Replay records through the bins (src/platform/replay.ts): a repeated quiet `--cache` run, or a
 * repeated `get` of the credential helper, is answered from the record of the one before, byte for byte what the program prints, and any
 * change of what that output depends on runs the program again. Whether the program ran is read
 * from a preload script (NODE_OPTIONS=--require) that says at exit whether the bin set up the
 * programs' import(), which a replayed run never does.
 */

import { execFile, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { keyedByValue, recordHash } from "../../src/platform/replay.js";
import { CLI } from "../support/cli.js";
import { ACCOUNT, type E2eContext, REGION, startE2e } from "../support/e2e-harness.js";
import { runHelper } from "../support/registry.js";

let ctx: E2eContext;
let probe: string;
let beds = 0;

beforeAll(async () => {
  ctx = await startE2e();
  probe = await ctx.write(
    "probe.cjs",
    `process.on("exit", () => require("node:fs").appendFileSync(process.env.PROBE_OUT,
      globalThis[Symbol.for("ecr-vars.import")] === undefined ? "replay\\n" : "program\\n"));\n`,
  );
});

afterAll(() => ctx?.close());

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** `program` or `replay`. */
  readonly how: string;
}

interface Bed {
  readonly cache: string;
  readonly dir: string;
  readonly env: Record<string, string>;
  run(args: readonly string[], env?: Record<string, string>): Promise<Run>;
  records(): Promise<string[]>;
}

/** Its own cache directory, working directory and probe output. */
async function bed(extra: Record<string, string | undefined> = {}): Promise<Bed> {
  beds += 1;
  const dir = ctx.path(`bed-${beds}`);
  await mkdir(dir);
  const cache = join(dir, "cache");
  const out = join(dir, "probe.txt");
  const env = ctx.env({
    ECR_VARS_CACHE_DIR: cache,
    NODE_OPTIONS: `--require ${probe}`,
    PROBE_OUT: out,
    ...extra,
  });
  let seen = 0;
  return {
    cache,
    dir,
    env,
    async run(args, runEnv = env) {
      const result = await new Promise<Omit<Run, "how">>((done) => {
        execFile(
          process.execPath,
          [CLI, ...args],
          { env: runEnv, cwd: dir, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
          (error, out, err) => {
            const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
            done({ code, stdout: out, stderr: err });
          },
        );
      });
      const lines = (await readFile(out, "utf8")).split("\n").filter(Boolean);
      const how = lines.slice(seen).join(",");
      seen = lines.length;
      return { ...result, how };
    },
    records: () => readdir(join(cache, "replay")).catch(() => []),
  };
}

const ARGS = ["--region", REGION, "--cache", "-q"];

/** The header of the bed's one record, and the record's path. */
async function recordOf(b: Bed): Promise<{ file: string; header: Record<string, unknown> }> {
  const [slot] = await b.records();
  const file = join(b.cache, "replay", slot ?? "");
  const text = await readFile(file, "utf8");
  return { file, header: JSON.parse(text.slice(0, text.indexOf("\n"))) as Record<string, unknown> };
}

/** Rewrites the bed's record to print `replayed`, its hash and size made to verify. */
async function forgeRecord(b: Bed): Promise<void> {
  const { file, header } = await recordOf(b);
  const forged = Buffer.from("replayed\n");
  const text = JSON.stringify({ ...header, size: forged.length, hash: recordHash(forged) });
  await writeFile(file, `${text}\n${forged}`, { mode: 0o600 });
}

describe("a repeated quiet --cache run is replayed, byte for byte", () => {
  const commands: Array<[string, string[]]> = [
    ["sh", [...ARGS]],
    ["dotenv", [...ARGS, "-f", "dotenv"]],
    ["json", [...ARGS, "-f", "json"]],
    ["powershell", [...ARGS, "-f", "powershell"]],
    ["cmd", [...ARGS, "-f", "cmd"]],
    ["bamboo, stdout", [...ARGS, "-f", "bamboo", "-o", "-"]],
    ["get-login-password", ["get-login-password", "--region", REGION, "--cache"]],
    [
      "three registries in two regions",
      [
        ...ARGS,
        "--registry",
        `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`,
        "--registry",
        `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
        "--registry",
        "public.ecr.aws",
      ],
    ],
  ];

  test.each(commands)("%s", async (_, args) => {
    const b = await bed();
    const fetched = await b.run(args);
    expect(fetched.code, fetched.stderr).toBe(0);
    expect(fetched.how).toBe("program");
    // A run that asked AWS is not recorded; the token cache's hit is.
    expect(await b.records()).toEqual([]);
    const hit = await b.run(args);
    expect(hit.how).toBe("program");
    expect(await b.records()).toHaveLength(1);
    const replayed = await b.run(args);
    expect(replayed.how).toBe("replay");
    expect(replayed).toMatchObject({ code: 0, stderr: "" });
    expect(replayed.stdout).toBe(hit.stdout);
    expect(replayed.stdout).toBe(fetched.stdout);
    // The program, switched off from replaying, prints the same.
    const real = await b.run(args, { ...b.env, ECR_VARS_REPLAY: "off" });
    expect(real.how).toBe("program");
    expect(real.stdout).toBe(replayed.stdout);
  });
});

test("the record and its directory are private; a fetch removes the records", async () => {
  const b = await bed();
  await b.run(ARGS);
  await b.run(ARGS);
  const [record] = await b.records();
  expect((await stat(join(b.cache, "replay", record ?? ""))).mode & 0o777).toBe(0o600);
  expect((await stat(join(b.cache, "replay"))).mode & 0o777).toBe(0o700);
  // Another registry: a fetch, which writes the token cache.
  const other = await b.run(["--region", "us-west-2", "--cache", "-q"]);
  expect(other.code, other.stderr).toBe(0);
  expect(await b.records()).toEqual([]);
  expect((await b.run(ARGS)).how).toBe("program");
  expect((await b.run(ARGS)).how).toBe("replay");
});

test("what a replay prints is the record's bytes (a rewritten record that verifies is printed)", async () => {
  const b = await bed();
  await b.run(ARGS);
  await b.run(ARGS);
  await forgeRecord(b);
  expect(await b.run(ARGS)).toEqual({ code: 0, stdout: "replayed\n", stderr: "", how: "replay" });
});

describe("a change of what the output depends on runs the program", () => {
  test("the task file: its new namespace is printed", async () => {
    const b = await bed();
    const task = join(b.dir, "task.yml");
    await writeFile(task, `region: ${REGION}\nnamespace: first\n`);
    const args = ["--task", "task.yml", "--cache", "-q"];
    await b.run(args);
    await b.run(args);
    expect((await b.run(args)).how).toBe("replay");
    await writeFile(`${task}.new`, `region: ${REGION}\nnamespace: second\n`);
    await rename(`${task}.new`, task);
    const changed = await b.run(args);
    expect(changed.how).toBe("program");
    expect(changed.stdout).toContain("bamboo_second_ecr_password=");
    expect(changed.stdout).not.toContain("bamboo_first_");
  });

  test("the region of the AWS config file: the new region's registry is printed", async () => {
    const config = ctx.path(`config-${beds}`);
    await writeFile(config, `[default]\nregion = ${REGION}\n`);
    const b = await bed({ AWS_CONFIG_FILE: config });
    const args = ["--cache", "-q"];
    await b.run(args);
    await b.run(args);
    const before = await b.run(args);
    expect(before.how).toBe("replay");
    expect(before.stdout).toContain(`.dkr.ecr.${REGION}.amazonaws.com`);
    await writeFile(`${config}.new`, "[default]\nregion = ap-south-1\n");
    await rename(`${config}.new`, config);
    const after = await b.run(args);
    expect(after.how).toBe("program");
    expect(after.stdout).toContain(".dkr.ecr.ap-south-1.amazonaws.com");
  });

  test("a variable the program reads: AWS_REGION's new region is printed", async () => {
    const b = await bed({ AWS_REGION: REGION });
    const args = ["--cache", "-q"];
    await b.run(args);
    await b.run(args);
    expect((await b.run(args)).how).toBe("replay");
    const moved = await b.run(args, { ...b.env, AWS_REGION: "sa-east-1" });
    expect(moved.how).toBe("program");
    expect(moved.stdout).toContain(".dkr.ecr.sa-east-1.amazonaws.com");
  });

  test("one more variable, even one the program does not read", async () => {
    const b = await bed();
    await b.run(ARGS);
    const hit = await b.run(ARGS);
    const other = await b.run(ARGS, { ...b.env, UNRELATED: "1" });
    expect(other.how).toBe("program");
    expect(other.stdout).toBe(hit.stdout);
  });
});

test("another value of a variable the program does not read (a build number) is replayed", async () => {
  const b = await bed({ BUILD_COUNTER: "1" });
  await b.run(ARGS);
  const hit = await b.run(ARGS);
  for (const counter of ["2", "3", ""]) {
    const next = await b.run(ARGS, { ...b.env, BUILD_COUNTER: counter });
    expect(next.how).toBe("replay");
    expect(next.stdout).toBe(hit.stdout);
  }
});

describe("damage", () => {
  test("a damaged record: the program answers and writes it again", async () => {
    const b = await bed();
    await b.run(ARGS);
    const hit = await b.run(ARGS);
    const { file } = await recordOf(b);
    // The closing quote of the last line.
    const data = await readFile(file);
    data.writeUInt8((data.at(-2) ?? 0) ^ 1, data.length - 2);
    await writeFile(file, data, { mode: 0o600 });
    const damaged = await b.run(ARGS);
    expect(damaged.how).toBe("program");
    expect(damaged.stdout).toBe(hit.stdout);
    const again = await b.run(ARGS);
    expect(again.how).toBe("replay");
    expect(again.stdout).toBe(hit.stdout);
  });
});

describe("runs that are not recorded", () => {
  const cases: Array<[string, string[]]> = [
    ["with a summary on stderr (no -q)", ["--region", REGION, "--cache"]],
    ["with --debug", [...ARGS, "--debug"]],
    ["writing a file", [...ARGS, "-o", "out.env"]],
    ["without --cache", ["--region", REGION, "-q"]],
  ];

  test.each(cases)("%s", async (_, args) => {
    const b = await bed();
    await b.run(ARGS.filter((a) => a !== "-q"));
    for (let i = 0; i < 3; i++) {
      const run = await b.run(args);
      expect(run.code, run.stderr).toBe(0);
      expect(run.how).toBe("program");
    }
    expect(await b.records()).toEqual([]);
  });

  test("with stdout on a character device", async () => {
    const b = await bed();
    await b.run(ARGS);
    const devNull = openSync("/dev/null", "w");
    try {
      for (let i = 0; i < 3; i++) {
        const child = spawn(process.execPath, [CLI, ...ARGS], {
          env: b.env,
          cwd: b.dir,
          stdio: ["ignore", devNull, "ignore"],
        });
        expect(await new Promise((done) => child.on("exit", done))).toBe(0);
      }
    } finally {
      closeSync(devNull);
    }
    expect(await b.records()).toEqual([]);
  });
});

describe("the credential helper's get", () => {
  const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;

  test("repeated, it is replayed byte for byte; the request on stdin is part of the key", async () => {
    const b = await bed();
    const get = (host: string, env = b.env) => runHelper("get", host, env);
    const fetched = await get(REGISTRY);
    expect(fetched.code, fetched.stdout).toBe(0);
    expect(await b.records()).toEqual([]);
    const hit = await get(REGISTRY);
    expect(await b.records()).toHaveLength(1);
    const replayed = await get(REGISTRY);
    expect(replayed).toMatchObject({ code: 0, stdout: hit.stdout, stderr: "" });
    expect(replayed.stdout).toBe(fetched.stdout);
    const real = await get(REGISTRY, { ...b.env, ECR_VARS_REPLAY: "off" });
    expect(real.stdout).toBe(replayed.stdout);

    // The record, not the program, answers: a rewritten record that verifies is printed.
    await forgeRecord(b);
    expect((await get(REGISTRY)).stdout).toBe("replayed\n");
    // Another request is not answered by it.
    const other = await get(`${ACCOUNT}.dkr.ecr.us-east-2.amazonaws.com`);
    expect(other.code, other.stdout).toBe(0);
    expect(other.stdout).toContain('"ServerURL":"123456789012.dkr.ecr.us-east-2.amazonaws.com"');
  });

  test("a helper that answers with an error, or bypasses its cache, is not recorded", async () => {
    const b = await bed();
    for (let i = 0; i < 3; i++) {
      const notOurs = await runHelper("get", "registry.example.com", b.env);
      expect(notOurs.stdout).toContain("credentials not found");
      const bypass = await runHelper("get", REGISTRY, { ...b.env, ECR_VARS_CACHE: "0" });
      expect(bypass.code, bypass.stdout).toBe(0);
    }
    expect(await b.records()).toEqual([]);
  });
});

test("every file a recorded run opens or looks at is an input of its record, or the program's own", async () => {
  // A preload that logs each path the process hands to node:fs. The bundles call node:fs's
  // functions through the module object, so they are seen; Node's own loading is not.
  const log = ctx.path("fs-log.txt");
  const spy = await ctx.write(
    "fs-spy.cjs",
    `const fs = require("node:fs");
const seen = [];
const wrap = (object, names) => {
  for (const name of names) {
    const original = object[name];
    if (typeof original !== "function") continue;
    object[name] = function (path, ...rest) {
      if (typeof path === "string") seen.push(path);
      return original.call(this, path, ...rest);
    };
  }
};
const names = ["open", "stat", "lstat", "readFile", "access", "readdir", "realpath", "exists"];
wrap(fs, [...names, ...names.map((name) => name + "Sync")]);
wrap(fs.promises, names);
process.on("exit", () => fs.appendFileSync(process.env.FS_LOG, seen.join("\\n") + "\\n"));
`,
  );
  const task = ctx.path("spy-task.yml");
  await writeFile(task, `region: ${REGION}\nnamespace: spy\n`);
  const config = ctx.path("spy-config");
  await writeFile(config, `[default]\nregion = ${REGION}\n`);
  const b = await bed({
    NODE_OPTIONS: `--require ${probe} --require ${spy}`,
    FS_LOG: log,
    AWS_CONFIG_FILE: config,
  });
  const args = ["--task", task, "--cache", "-q", "-f", "json"];
  await b.run(args);
  await writeFile(log, "");
  const hit = await b.run(args);
  expect(hit.code, hit.stderr).toBe(0);
  const header = (await recordOf(b)).header as { inputs: string[][] };
  const inputs = new Set(header.inputs.map(([path]) => path));
  const dist = join(process.cwd(), "dist");
  const opened = (await readFile(log, "utf8"))
    .split("\n")
    .filter((path) => path !== "")
    .map((path) => resolve(b.dir, path))
    // The program's own files, its code caches, and the record and the directories its writer
    // checks: not inputs of its output.
    .filter((path) => !path.startsWith(`${dist}/`) && !path.startsWith(`${b.cache}/code/`))
    .filter((path) => path !== b.cache && !path.startsWith(`${b.cache}/replay`))
    .filter((path) => path !== probe && path !== spy);
  expect(opened.length).toBeGreaterThan(3);
  expect(opened.filter((path) => !inputs.has(path))).toEqual([]);
  expect(inputs).toContain(task);
  expect(inputs).toContain(config);
  expect(inputs).toContain(join(b.cache, "tokens.json"));
});

test("every environment variable a recorded run reads is recorded, or keyed by its value", async () => {
  // A preload that puts a logging Proxy in place of process.env, before the bin runs.
  const log = ctx.path("env-log.txt");
  const spy = await ctx.write(
    "env-spy.cjs",
    `const real = process.env;
const seen = new Set();
process.env = new Proxy(real, {
  get(target, name) {
    if (typeof name === "string") seen.add(name);
    return Reflect.get(target, name);
  },
});
process.on("exit", () => require("node:fs").appendFileSync(real.ENV_LOG, [...seen].join("\\n") + "\\n"));
`,
  );
  const b = await bed({ NODE_OPTIONS: `--require ${probe} --require ${spy}`, ENV_LOG: log });
  await b.run(ARGS);
  await writeFile(log, "");
  const hit = await b.run(ARGS);
  expect(hit.code, hit.stderr).toBe(0);
  const header = (await recordOf(b)).header as { env: string[] };
  // PROBE_OUT is the probe's (this test's) own.
  const read = (await readFile(log, "utf8"))
    .split("\n")
    .filter((name) => name !== "" && name !== "PROBE_OUT");
  expect(read).toContain("AWS_ACCESS_KEY_ID");
  const recorded = new Set(header.env);
  expect(read.filter((name) => !recorded.has(name) && !keyedByValue(name))).toEqual([]);
});
