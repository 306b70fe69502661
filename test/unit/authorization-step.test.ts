/**
 * The authorization step of a run with --cache (cache hit, identity hit, fetched): what each
 * sends to AWS, and that the --debug call count states exactly the GetAuthorizationToken calls.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { createEmulator, type Emulator } from "../../src/emulator/index.js";
import { cleanEnv, tempDir } from "../support/cli.js";
import { runInProcess } from "../support/in-process.js";

let emu: Emulator;
let dir: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  emu = await createEmulator({ password: "authorization-step-password" });
  dir = await tempDir();
});
afterAll(async () => {
  await emu.close();
  await dir.cleanup();
});

let caches = 0;
function env(extra: Record<string, string> = {}) {
  return cleanEnv({
    AWS_ENDPOINT_URL: emu.url,
    AWS_ACCESS_KEY_ID: emu.defaultUser.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emu.defaultUser.secretAccessKey,
    ECR_VARS_CACHE_DIR: `${dir.path}/cache-${caches++}`,
    ...extra,
  });
}

async function calls(work: () => Promise<{ code: number; stderr: string }>) {
  const before = emu.requests.length;
  const result = await work();
  expect(result.code, result.stderr).toBe(0);
  const seen = emu.requests.slice(before).map((r) => `${r.service}:${r.action}`);
  const count = (name: string) => seen.filter((s) => s === name).length;
  const debugCount = /\((\d+) GetAuthorizationToken call\(s\)\)/.exec(result.stderr)?.[1];
  return { seen, count, debugCount: Number(debugCount), stderr: result.stderr };
}

// 40 registries: ten account ids in each of four regions, each region one call group.
const REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-2", "ca-central-1"];
const FORTY = REGIONS.flatMap((region) =>
  Array.from(
    { length: 10 },
    (_, i) => `--registry=${String(100000000000 + i)}.dkr.ecr.${region}.amazonaws.com`,
  ),
);

describe("--cache with 40 registries in 4 regions", () => {
  test("a miss asks STS once for the identity and ECR once per region; a rerun asks nothing", async () => {
    const e = env();
    const args = ["--cache", "--debug", "-f", "json", ...FORTY];
    const miss = await calls(() => runInProcess(args, e));
    expect(miss.count("sts:GetCallerIdentity")).toBe(1);
    expect(miss.count("ecr:GetAuthorizationToken")).toBe(4);
    expect(miss.debugCount).toBe(4);

    const hit = await calls(() => runInProcess(args, e));
    expect(hit.seen).toEqual([]);
    expect(hit.debugCount).toBe(0);
    expect(hit.stderr).toContain("credentials: the token cache (identity");
  });

  test("an identity hit (new configuration, same identity) counts no GetAuthorizationToken call", async () => {
    const e = env();
    const first = await calls(() => runInProcess(["--cache", "-f", "json", ...FORTY], e));
    expect(first.count("ecr:GetAuthorizationToken")).toBe(4);
    // A changed AWS_* variable is another configuration: its alias misses, the identity's hit.
    const args = ["--cache", "--debug", "-f", "json", ...FORTY];
    const again = await calls(() => runInProcess(args, { ...e, AWS_SDK_UA_APP_ID: "other" }));
    expect(again.seen).toEqual(["sts:GetCallerIdentity"]);
    expect(again.debugCount).toBe(0);
  });
});

describe("the deadline", () => {
  /** setTimeout calls made while `work` runs (the deadline and slow-call notices are timers). */
  async function timersDuring(work: () => Promise<unknown>): Promise<number> {
    const spy = vi.spyOn(globalThis, "setTimeout");
    try {
      await work();
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  }

  test("a run the token cache answers whole arms no timer; a run with one group to fetch does", async () => {
    const e = env();
    const args = ["--cache", "-f", "json", ...FORTY];
    const miss = await timersDuring(() => calls(() => runInProcess(args, e)));
    expect(miss).toBeGreaterThan(0);
    expect(await timersDuring(() => calls(() => runInProcess(args, e)))).toBe(0);

    // One registry more, in a fifth region: four groups are answered by the cache, the fifth by
    // ECR, under the deadline.
    const more = [...args, "--registry=100000000000.dkr.ecr.eu-central-1.amazonaws.com", "--debug"];
    let result: Awaited<ReturnType<typeof calls>> | undefined;
    const timers = await timersDuring(async () => {
      result = await calls(() => runInProcess(more, e));
    });
    expect(timers).toBeGreaterThan(0);
    expect(result?.seen).toEqual(["sts:GetCallerIdentity", "ecr:GetAuthorizationToken"]);
    expect(result?.debugCount).toBe(1);
  });
});

describe("internal errors", () => {
  test("are exit 1 and say that they are a bug and how to report it, without a stack", async () => {
    // Nothing a user types reaches an internal error; a stdout that fails unexpectedly does.
    const stdout = {
      write: () => {
        throw new Error("the stdout sink broke");
      },
    };
    const { code, stderr } = await runInProcess(["--region", "eu-west-1", "-f", "json"], env(), {
      stdout,
    });
    expect(code).toBe(1);
    expect(stderr).toContain("ecr-vars: internal error: the stdout sink broke");
    expect(stderr).toContain("this is a bug in ecr-vars");
    expect(stderr).toContain('"Reporting a bug"');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
