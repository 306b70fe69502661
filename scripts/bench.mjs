// `npm run bench`: SPEC 5's speed and memory bars, measured side by side in one hyperfine run on
// this machine, against a bare `node -e 0`:
//   - a fetch answered from the token cache ≤ 1.2× (the credential helper and `ecr-vars --cache`);
//   - one fresh fetch with static keys against the local emulator ≤ 3×;
//   - peak memory (max RSS) ≤ 90 MB on every path of ours.
// It is a report, not a gate: it prints PASS or MISS per bar and exits 0 (timings on a shared
// machine are noisy; the ratios use medians over several rounds). Peers on PATH run beside ours for scale:
// `docker-credential-ecr-login get` (a hit from its own cache, after one fill through a CONNECT
// proxy and a TLS front of the emulator) and `aws ecr get-login-password` (a fresh fetch).
//
// Every command runs with the same minimal environment, built here: in particular without
// NODE_EXTRA_CA_CERTS (set in shells on some machines), which adds ~40 ms to every Node start
// and would hide what we measure. hyperfine runs each command through a shell (the helpers read
// the registry from stdin) and subtracts the shell's own start-up. Everything runs against the
// local emulator on loopback with throw-away cache and home directories.
//
// BENCH_RUNS=n sets the runs of each command (default 40, spread over BENCH_ROUNDS=4 rounds).
// BENCH_BASELINE=DIR adds the same commands of another checkout's built dist/ (e.g. the commit
// before a change) to the same run.
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { createEmulator } from "../dist/emulator.mjs";
import { emulatorEnv } from "./emulator-env.mjs";

const run = promisify(execFile);
const node = process.execPath;
const onPath = (name) =>
  (process.env.PATH ?? "").split(delimiter).some((dir) => existsSync(join(dir, name)));

const host = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const args = "--region eu-west-1 --registry-id 123456789012 -q";
const emu = await createEmulator({});
const dir = await mkdtemp(join(tmpdir(), "ecr-vars-bench-"));
const closers = [() => emu.close()];
try {
  const env = emulatorEnv(emu, dir);
  const hostFile = join(dir, "host.txt");
  await writeFile(hostFile, host);

  /** name, shell command, and the bar it is held to (ratio to `node -e 0`), if any. */
  const commands = [{ name: "node -e 0", command: `${node} -e 0` }];
  const ours = (label, root) => {
    const cli = ["ecr-vars.cjs", "ecr-vars.mjs"]
      .map((file) => join(root, "dist", file))
      .find((file) => existsSync(file));
    const helper = join(root, "dist", "docker-credential-ecr-vars.cjs");
    return [
      {
        name: `${label}helper get (cache hit)`,
        command: `${node} ${helper} get < ${hostFile}`,
        bar: label === "" ? 1.2 : undefined,
        fill: [helper, ["get"]],
      },
      {
        name: `${label}ecr-vars --cache (cache hit)`,
        command: `${node} ${cli} ${args} --cache`,
        bar: label === "" ? 1.2 : undefined,
        fill: [cli, [...args.split(" "), "--cache"]],
      },
      { name: `${label}ecr-vars --version`, command: `${node} ${cli} --version` },
      {
        name: `${label}ecr-vars (fresh fetch)`,
        command: `${node} ${cli} ${args}`,
        bar: label === "" ? 3 : undefined,
      },
    ];
  };
  commands.push(...ours("", resolve(".")));
  if (process.env.BENCH_BASELINE) commands.push(...ours("before: ", process.env.BENCH_BASELINE));
  // Fill the token cache once; the helper and the CLI read the same entry afterwards.
  for (const { fill } of commands) {
    if (fill === undefined) continue;
    const [file, argv] = fill;
    const child = spawn(node, [file, ...argv], { env, stdio: ["pipe", "ignore", "inherit"] });
    child.stdin.end(host);
    await new Promise((done) => child.on("exit", done));
  }

  if (onPath("docker-credential-ecr-login") && onPath("openssl")) {
    const peer = await goHelperSetup(env);
    closers.push(peer.close);
    commands.push({
      name: "peer: docker-credential-ecr-login get (cache hit)",
      command: `env ${peer.env} docker-credential-ecr-login get < ${hostFile}`,
    });
  }
  if (onPath("aws")) {
    commands.push({
      name: "peer: aws ecr get-login-password (fresh fetch)",
      command: `aws ecr get-login-password --region eu-west-1 --endpoint-url ${emu.url}`,
    });
  }

  // Rounds: hyperfine runs one command's runs back to back, so a load change on a shared machine
  // would land on some commands only. Each round runs every command; a command's ratio is the
  // median over rounds of its median over that round's `node -e 0` median.
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? "4"));
  const runs = Math.max(3, Math.ceil(Number(process.env.BENCH_RUNS ?? "40") / rounds));
  const times = commands.map(() => []);
  const ratios = commands.map(() => []);
  for (let round = 1; round <= rounds; round++) {
    console.log(`round ${round}/${rounds}: ${commands.length} commands × ${runs} runs`);
    const exported = join(dir, "hyperfine.json");
    const hyperfineArgs = ["--style", "none", "--warmup", "3", "--runs", String(runs)];
    hyperfineArgs.push("--export-json", exported);
    for (const { name, command } of commands) hyperfineArgs.push("-n", name, command);
    // Not spawnSync: the emulator in this process must keep answering the fresh fetches.
    const hyperfine = spawn("hyperfine", hyperfineArgs, {
      env,
      stdio: ["ignore", "inherit", "inherit"],
    });
    const status = await new Promise((done) => hyperfine.on("exit", (code) => done(code)));
    if (status !== 0) throw new Error(`hyperfine failed (${status})`);
    const { results } = JSON.parse(await readFile(exported, "utf8"));
    results.forEach((result, i) => {
      times[i]?.push(...result.times);
      ratios[i]?.push(result.median / results[0].median);
    });
  }
  const median = (values) => {
    const sorted = [...values].sort((x, y) => x - y);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  };
  const results = times.map((all, i) => ({
    mean: all.reduce((sum, t) => sum + t, 0) / all.length,
    median: median(all),
    ratio: median(ratios[i] ?? []),
  }));

  // Peak memory: GNU time's maximum resident set size, the most of three runs of each command.
  const rss = new Map();
  if (existsSync("/usr/bin/time")) {
    for (const { name, command } of commands) {
      let most = 0;
      for (let i = 0; i < 3; i++) {
        const out = join(dir, "rss.txt");
        await run("/usr/bin/time", ["-o", out, "-f", "%M", "sh", "-c", `${command} > /dev/null`], {
          env,
        }).catch(() => undefined);
        most = Math.max(most, Number.parseInt(await readFile(out, "utf8"), 10) || 0);
      }
      rss.set(name, most / 1024);
    }
  }

  const width = Math.max(...commands.map((c) => c.name.length));
  console.log(
    `\nNODE_EXTRA_CA_CERTS unset for every command; ${node} ${process.version}; ${rounds} rounds of ${runs} runs; ratio: median over rounds of median / node -e 0's median`,
  );
  console.log(
    `${"".padEnd(width)}  mean ms  median ms  ratio  max RSS  bar (SPEC 5)`.replace(/ +$/, ""),
  );
  let peak = 0;
  results.forEach((result, i) => {
    const { name, bar } = commands[i] ?? {};
    const { ratio } = result;
    const memory = rss.get(name);
    if (memory !== undefined && !name.startsWith("peer") && !name.startsWith("before")) {
      peak = Math.max(peak, memory);
    }
    const verdict = bar === undefined ? "" : `≤ ${bar}× ${ratio <= bar ? "PASS" : "MISS"}`;
    console.log(
      [
        name.padEnd(width),
        (result.mean * 1000).toFixed(1).padStart(7),
        (result.median * 1000).toFixed(1).padStart(9),
        `${ratio.toFixed(2)}×`.padStart(6),
        memory === undefined ? "      -" : `${memory.toFixed(0).padStart(4)} MB`,
        verdict,
      ]
        .join("  ")
        .trimEnd(),
    );
  });
  if (rss.size > 0) {
    console.log(
      `peak memory of ours: ${peak.toFixed(0)} MB  ≤ 90 MB ${peak <= 90 ? "PASS" : "MISS"}`,
    );
  } else {
    console.log("peak memory: not measured (/usr/bin/time missing)");
  }
} finally {
  for (const close of closers.reverse()) await close();
  await rm(dir, { recursive: true, force: true });
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
    {
      env,
    },
  );
  return {
    env: peerEnv,
    close: async () => {
      await proxy.close();
      await front.close();
    },
  };
}
