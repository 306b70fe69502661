// `npm run bench`: the speed and memory bars (docs/start-up.md), measured side by side with hyperfine on
// every Node release line found here (the machine's node and those `node scripts/nodes.mjs
// install 22 24 26` put beside it), each against its own `node -e 0`:
//   - a fetch answered from the token cache ≤ 1.35× (the credential helper and `ecr-vars
//     --cache`), also with NODE_OPTIONS set;
//   - one fresh fetch with static keys against the local emulator ≤ 3×, also with NODE_OPTIONS
//     and through the credential helper with its cache off;
//   - 40 registries in 4 regions ≤ 1.3× one registry, from the token cache and fresh;
//   - peak memory (max RSS) ≤ 90 MB on every path of ours.
// It is a report, not a gate: it prints PASS or MISS per bar and exits 0 (timings on a shared
// machine are noisy; the ratios are medians over rounds). Peers on PATH run beside ours for scale,
// on the machine's node column: `docker-credential-ecr-login get` (a hit from its own cache, after
// one fill through a CONNECT proxy and a TLS front of the emulator) and `aws ecr
// get-login-password` (a fresh fetch).
//
// Every command runs with the same minimal environment, built here: in particular without
// NODE_EXTRA_CA_CERTS (set in shells on some machines), which adds ~40 ms to every Node start
// and would hide what we measure. hyperfine runs each command through a shell (the helpers read
// the registry from stdin) and subtracts the shell's own start-up. Everything runs against the
// local emulator on loopback with throw-away cache and home directories. hyperfine's warm-up runs
// also fill Node's compile cache in each Node's cache directory (docs/start-up.md).
//
//   --write-readme       rewrites the table of docs/start-up.md (between <!-- bench:start/end -->)
//   BENCH_RUNS=n         runs of each command per Node (default 40, spread over BENCH_ROUNDS=4)
//   BENCH_NODES=a,b      node binaries to measure instead of the ones found
//   BENCH_BASELINE=DIR   adds the same commands of another checkout's built dist/ (e.g. the commit
//                        before a change) to the same run, as "before:" rows
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { createEmulator } from "../dist/emulator.mjs";
import { emulatorEnv } from "./emulator-env.mjs";

/** Where --write-readme writes the table: docs/start-up.md, between its bench markers. */
const TABLE_FILE = "docs/start-up.md";

import { availableNodes } from "./nodes.mjs";

const run = promisify(execFile);
const onPath = (name) =>
  (process.env.PATH ?? "").split(delimiter).some((dir) => existsSync(join(dir, name)));
const writeReadme = process.argv.includes("--write-readme");

const host = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const args = "--region eu-west-1 --registry-id 123456789012 -q";
// 40 registries: 10 accounts in each of 4 regions, one GetAuthorizationToken call per region.
const regions = ["eu-west-1", "us-east-1", "ap-southeast-2", "eu-central-1"];
const forty = regions
  .flatMap((region) =>
    Array.from(
      { length: 10 },
      (_, i) => `--registry ${210987654300 + i}.dkr.ecr.${region}.amazonaws.com`,
    ),
  )
  .join(" ");
const flags = "--max-old-space-size=4096";
const HELPER_HIT = "helper get (cache hit)";
const HIT = "ecr-vars --cache (cache hit)";
const HIT_40 = "ecr-vars --cache, 40 registries (cache hit)";
const FRESH = "ecr-vars (fresh fetch)";
const FRESH_40 = "ecr-vars, 40 registries in 4 regions (fresh fetch)";

const nodes = process.env.BENCH_NODES
  ? process.env.BENCH_NODES.split(",").map((binary) => ({ binary }))
  : availableNodes();
for (const node of nodes) {
  node.version = (await run(node.binary, ["--version"])).stdout.trim();
}

const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? "4"));
const runs = Math.max(3, Math.ceil(Number(process.env.BENCH_RUNS ?? "40") / rounds));
const emu = await createEmulator({});
const dir = await mkdtemp(join(tmpdir(), "ecr-vars-bench-"));
const closers = [() => emu.close()];
try {
  const baseEnv = emulatorEnv(emu, dir);
  const hostFile = join(dir, "host.txt");
  await writeFile(hostFile, host);

  /** The commands of one Node: name, shell command, bar (ratio to `node -e 0`), fill. */
  const commandsFor = (node, column) => {
    const ours = (label, root) => {
      const cli = join(root, "dist", "ecr-vars.cjs");
      const helper = join(root, "dist", "docker-credential-ecr-vars.cjs");
      const bar = (value) => (label === "" ? value : undefined);
      const n = node.binary;
      return [
        {
          name: `${label}${HELPER_HIT}`,
          command: `${n} ${helper} get < ${hostFile}`,
          bar: bar(1.35),
          fill: `${n} ${helper} get < ${hostFile}`,
        },
        {
          name: `${label}${HIT}`,
          command: `${n} ${cli} ${args} --cache`,
          bar: bar(1.35),
          fill: `${n} ${cli} ${args} --cache`,
        },
        {
          // The 40-registry rows' bars are against one registry's (the rows after the table's).
          name: `${label}${HIT_40}`,
          command: `${n} ${cli} ${forty} -q --cache`,
          fill: `${n} ${cli} ${forty} -q --cache`,
        },
        {
          name: `${label}ecr-vars --cache, NODE_OPTIONS=${flags} (cache hit)`,
          command: `NODE_OPTIONS=${flags} ${n} ${cli} ${args} --cache`,
          bar: bar(1.35),
        },
        { name: `${label}ecr-vars --version`, command: `${n} ${cli} --version` },
        { name: `${label}${FRESH}`, command: `${n} ${cli} ${args}`, bar: bar(3) },
        { name: `${label}${FRESH_40}`, command: `${n} ${cli} ${forty} -q` },
        {
          name: `${label}ecr-vars, NODE_OPTIONS=${flags} (fresh fetch)`,
          command: `NODE_OPTIONS=${flags} ${n} ${cli} ${args}`,
          bar: bar(3),
        },
        {
          name: `${label}helper get, ECR_VARS_CACHE=off (fresh fetch)`,
          command: `ECR_VARS_CACHE=off ${n} ${helper} get < ${hostFile}`,
          bar: bar(3),
        },
      ];
    };
    const list = [{ name: "node -e 0", command: `${node.binary} -e 0` }, ...ours("", resolve("."))];
    if (process.env.BENCH_BASELINE) list.push(...ours("before: ", process.env.BENCH_BASELINE));
    if (column === 0) list.push(...peers);
    return list;
  };

  const peers = [];
  if (onPath("docker-credential-ecr-login") && onPath("openssl")) {
    const peer = await goHelperSetup(baseEnv);
    closers.push(peer.close);
    peers.push({
      name: "peer: docker-credential-ecr-login get (cache hit)",
      command: `env ${peer.env} docker-credential-ecr-login get < ${hostFile}`,
    });
  }
  if (onPath("aws")) {
    peers.push({
      name: "peer: aws ecr get-login-password (fresh fetch)",
      command: `aws ecr get-login-password --region eu-west-1 --endpoint-url ${emu.url}`,
    });
  }

  const columns = [];
  let identityCalls = 0;
  for (const [column, node] of nodes.entries()) {
    // Each Node its own home and caches: a cache of one version never serves another.
    const home = join(dir, `node-${column}`);
    await mkdir(home);
    const env = { ...emulatorEnv(emu, home), PATH: baseEnv.PATH };
    const commands = commandsFor(node, column);
    for (const { fill } of commands) {
      if (fill !== undefined) await run("sh", ["-c", `${fill} > /dev/null`], { env });
    }
    // A 40-registry --cache miss: how many GetCallerIdentity calls for its one identity.
    if (column === 0) {
      const before = emu.countCalls({ service: "sts", action: "GetCallerIdentity" });
      const fresh = { ...env, ECR_VARS_CACHE_DIR: join(home, "count") };
      await run(
        "sh",
        ["-c", `${node.binary} ${resolve("dist/ecr-vars.cjs")} ${forty} -q --cache`],
        {
          env: fresh,
        },
      );
      identityCalls = emu.countCalls({ service: "sts", action: "GetCallerIdentity" }) - before;
    }
    const { ratios, cpuRatios, medians, cpu } = await measure(commands, env, `${node.version}`);
    const rss = await peakMemory(commands, env);
    columns.push({ node, commands, ratios, cpuRatios, medians, cpu, rss });
  }

  console.log(`\n${render(columns, identityCalls, true)}`);
  if (writeReadme) {
    const readme = await readFile(TABLE_FILE, "utf8");
    const pattern = /(<!-- bench:start -->\n)[\s\S]*?(<!-- bench:end -->)/;
    if (!pattern.test(readme)) throw new Error(`${TABLE_FILE} has no <!-- bench:start --> section`);
    const table = render(columns, identityCalls, false);
    await writeFile(TABLE_FILE, readme.replace(pattern, `$1${table}\n$2`));
    console.log(`${TABLE_FILE}: bench table rewritten`);
  }

  /**
   * Rounds: hyperfine runs one command's runs back to back, so a load change on a shared machine
   * would land on some commands only. Each round runs every command; a command's ratio is the
   * median over rounds of its median over that round's `node -e 0` median.
   */
  async function measure(commands, env, label) {
    const times = commands.map(() => []);
    const perRound = commands.map(() => []);
    const cpuTimes = commands.map(() => []);
    const cpuPerRound = commands.map(() => []);
    for (let round = 1; round <= rounds; round++) {
      console.log(`${label}: round ${round}/${rounds}: ${commands.length} commands × ${runs} runs`);
      const exported = join(dir, "hyperfine.json");
      // Output to a pipe, as `eval "$(ecr-vars ...)"` and CI steps read it.
      const hyperfineArgs = ["--style", "none", "--warmup", "3", "--runs", String(runs)];
      hyperfineArgs.push("--output", "pipe");
      hyperfineArgs.push("--export-json", exported);
      for (const { name, command } of commands) hyperfineArgs.push("-n", name, command);
      // Not spawnSync: the emulator in this process must keep answering the fresh fetches.
      const hyperfine = spawn("hyperfine", hyperfineArgs, {
        env,
        stdio: ["ignore", "ignore", "inherit"],
      });
      const status = await new Promise((done) => hyperfine.on("exit", (code) => done(code)));
      if (status !== 0) throw new Error(`hyperfine failed (${status})`);
      const { results } = JSON.parse(await readFile(exported, "utf8"));
      // CPU time (user + system, mean of the round): what the process itself spent, which load
      // from other processes on a shared machine distorts far less than wall time.
      const cpuOf = (result) => result.user + result.system;
      results.forEach((result, i) => {
        times[i]?.push(...result.times);
        perRound[i]?.push(result.median / results[0].median);
        cpuTimes[i]?.push(cpuOf(result));
        cpuPerRound[i]?.push(cpuOf(result) / cpuOf(results[0]));
      });
    }
    return {
      ratios: perRound.map(median),
      cpuRatios: cpuPerRound.map(median),
      medians: times.map(median),
      cpu: cpuTimes.map(median),
    };
  }
} finally {
  for (const close of closers.reverse()) await close();
  await rm(dir, { recursive: true, force: true });
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Peak memory: GNU time's maximum resident set size, the most of three runs of each command. */
async function peakMemory(commands, env) {
  if (!existsSync("/usr/bin/time")) return undefined;
  let peak = 0;
  for (const { name, command } of commands) {
    if (name.startsWith("peer") || name.startsWith("before") || name === "node -e 0") continue;
    for (let i = 0; i < 3; i++) {
      const out = join(dir, "rss.txt");
      await run("/usr/bin/time", ["-o", out, "-f", "%M", "sh", "-c", `${command} > /dev/null`], {
        env,
      }).catch(() => undefined);
      peak = Math.max(peak, Number.parseInt(await readFile(out, "utf8"), 10) || 0);
    }
  }
  return peak / 1024;
}

/**
 * The table of docs/start-up.md: a row per command, a column per Node. A cell: the ratio of wall time to the
 * same Node's `node -e 0` and the bar judged on it (the bars are about the time a user waits),
 * then the ratio of CPU time (user + system of every thread, which on a loaded machine other
 * processes distort less, and which exceeds wall time where Node works in parallel).
 */
function render(columns, identityCalls, withBaseline) {
  const names = [];
  for (const { commands } of columns) {
    for (const { name } of commands) {
      if (!names.includes(name) && !(!withBaseline && name.startsWith("before"))) names.push(name);
    }
  }
  const cpu = cpus();
  const [load] = loadavg();
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC by \`npm run bench\` on ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"} (${process.platform}-${process.arch}, load average ${load?.toFixed(1)} at the end), ${rounds} rounds of ${runs} runs per command. Each cell: wall time as a ratio to the same Node's \`node -e 0\` (the median over rounds of each round's medians), with the bar (✓/✗) judged on it; then CPU time (user + system, all threads) likewise.${load !== undefined && load > cpu.length ? " The machine was busy: wall times are less reliable than CPU times." : ""}`,
    "",
    `| command | ${columns.map((c) => `Node ${c.node.version}`).join(" | ")} |`,
    `|---|${columns.map(() => "---|").join("")}`,
  ];
  for (const name of names) {
    const cells = columns.map(({ commands, ratios, cpuRatios, medians, cpu: cpuTimes }) => {
      const i = commands.findIndex((c) => c.name === name);
      if (i < 0) return "";
      if (i === 0) {
        return `${(medians[0] * 1000).toFixed(1)} ms wall, ${(cpuTimes[0] * 1000).toFixed(1)} ms CPU`;
      }
      const { bar } = commands[i];
      const verdict = bar === undefined ? "" : ratios[i] <= bar ? ` ≤ ${bar} ✓` : ` > ${bar} ✗`;
      return `${ratios[i].toFixed(2)}×${verdict} (CPU ${cpuRatios[i].toFixed(2)}×)`;
    });
    lines.push(`| ${name} | ${cells.join(" | ")} |`);
  }
  const wallOf = (c, name) => c.ratios[c.commands.findIndex((x) => x.name === name)];
  for (const [title, forty, one] of [
    ["cache hit", HIT_40, HIT],
    ["fresh fetch", FRESH_40, FRESH],
  ]) {
    lines.push(
      `| 40 registries ÷ one registry (${title}; bar 1.3) | ${columns
        .map((c) => {
          const r = wallOf(c, forty) / wallOf(c, one);
          return `${r.toFixed(2)}× ${r <= 1.3 ? "✓" : "✗"}`;
        })
        .join(" | ")} |`,
    );
  }
  lines.push(
    `| peak memory of ours (bar 90 MB) | ${columns
      .map((c) => (c.rss === undefined ? "-" : `${c.rss.toFixed(0)} MB ${c.rss <= 90 ? "✓" : "✗"}`))
      .join(" | ")} |`,
  );
  lines.push(
    "",
    `A 40-registry \`--cache\` miss made ${identityCalls} STS GetCallerIdentity call(s) for its one identity.`,
  );
  return lines.join("\n");
}

/**
 * The Go helper has no endpoint override: it reaches the emulator as it does in the peers tests,
 * through a loopback CONNECT proxy to a TLS front with a throw-away CA. One `get` fills its cache.
 */
async function goHelperSetup(env) {
  const harness = join(dir, "peer-harness.mjs");
  await build({
    stdin: {
      contents: [
        'export { startTlsFront } from "./src/emulator/tls.ts";',
        'export { startProxy } from "./test/support/proxy.ts";',
        'export { makeCertificates } from "./test/support/tls.ts";',
      ].join("\n"),
      resolveDir: resolve("."),
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: harness,
    logLevel: "warning",
  });
  const { startTlsFront, startProxy, makeCertificates } = await import(pathToFileURL(harness).href);
  const certDir = join(dir, "certs");
  await mkdir(certDir);
  const certs = await makeCertificates(certDir, [
    "api.ecr.eu-west-1.amazonaws.com",
    "sts.eu-west-1.amazonaws.com",
    "sts.amazonaws.com",
  ]);
  const front = await startTlsFront({ target: emu.url, cert: certs.cert, key: certs.key });
  const proxy = await startProxy({
    tls: (name) => (name.endsWith(".amazonaws.com") ? front.address : undefined),
    http: () => undefined,
  });
  const home = join(dir, "go-home");
  await mkdir(home);
  const peerEnv = `-u AWS_ENDPOINT_URL HOME=${home} HTTPS_PROXY=${proxy.url} AWS_CA_BUNDLE=${certs.caFile}`;
  await run(
    "sh",
    ["-c", `env ${peerEnv} docker-credential-ecr-login get < ${join(dir, "host.txt")}`],
    { env },
  );
  return {
    env: peerEnv,
    close: async () => {
      await proxy.close();
      await front.close();
    },
  };
}
