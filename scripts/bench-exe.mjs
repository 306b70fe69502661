// `npm run bench:exe`: the Linux x64 standalone executable against the npm package run by the
// same Node (the 26.10.0 binary the executable was built from), side by side in one hyperfine
// run per round, each as a ratio to that Node's `node -e 0`: `--version`, a fetch answered from
// the token cache (the CLI's `--cache` and the helper's `get`), and a fresh fetch against the
// local emulator. docs/start-up.md holds the bars: no slower than the package;
// cache hit ≤ 1.1× and fresh fetch ≤ 3× `node -e 0`. A report, not a gate: it exits 0.
//
// Same environment for every command, without NODE_EXTRA_CA_CERTS (it slows every Node start
// down); throw-away home and cache directories. BENCH_RUNS=n (default 30, over BENCH_ROUNDS=3).
// The table shows medians of wall time, their ratios, and the CPU time (user + system) of each.
//   --write-readme   rewrites the table of docs/start-up.md (between <!-- bench-exe:start/end -->)
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createEmulator } from "../dist/emulator.mjs";
import { NODE_VERSION, nodeBinary, TARGETS } from "./build-exe.mjs";
import { emulatorEnv } from "./emulator-env.mjs";

/** Where --write-readme writes the table: docs/start-up.md, between its bench-exe markers. */
const TABLE_FILE = "docs/start-up.md";

const exe = resolve("release/ecr-vars-linux-x64");
if (!existsSync(exe))
  throw new Error("release/ecr-vars-linux-x64 is missing: run npm run build:exe");
const node = await nodeBinary(TARGETS.find((t) => t.os === "linux" && t.arch === "x64"));
const cli = resolve("dist/ecr-vars.cjs");
const helper = resolve("dist/docker-credential-ecr-vars.cjs");

const host = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const args = "--region eu-west-1 --registry-id 123456789012 -q";
const emu = await createEmulator({});
const dir = await mkdtemp(join(tmpdir(), "ecr-vars-bench-exe-"));
try {
  const env = emulatorEnv(emu, dir);
  const hostFile = join(dir, "host.txt");
  await writeFile(hostFile, host);
  const exeHelper = join(dir, "docker-credential-ecr-vars");
  await symlink(exe, exeHelper);

  /** Pairs: the executable's command and the package's, for one path. */
  const paths = [
    ["--version", `${exe} --version`, `${node} ${cli} --version`],
    ["ecr-vars --cache (cache hit)", `${exe} ${args} --cache`, `${node} ${cli} ${args} --cache`],
    [
      "helper get (cache hit)",
      `${exeHelper} get < ${hostFile}`,
      `${node} ${helper} get < ${hostFile}`,
    ],
    ["ecr-vars (fresh fetch)", `${exe} ${args}`, `${node} ${cli} ${args}`],
  ];
  const commands = [{ name: "node -e 0", command: `${node} -e 0` }];
  for (const [name, ours, pkg] of paths) {
    commands.push({ name: `exe: ${name}`, command: ours }, { name: `npm: ${name}`, command: pkg });
  }
  // Fill the token cache that both read.
  await sh(`${exe} ${args} --cache > /dev/null`, env);

  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? "3"));
  const runs = Math.max(3, Math.ceil(Number(process.env.BENCH_RUNS ?? "30") / rounds));
  const medians = commands.map(() => []);
  // CPU time (user + system) as well: on a loaded machine it varies far less than wall time.
  const cpu = commands.map(() => []);
  const ratios = commands.map(() => []);
  for (let round = 1; round <= rounds; round++) {
    console.log(`round ${round}/${rounds}: ${commands.length} commands × ${runs} runs`);
    const exported = join(dir, "hyperfine.json");
    // Output through a pipe, as a shell's $(...) or a client reads it.
    const hyperfine = ["--style", "none", "--warmup", "3", "--runs", String(runs)];
    hyperfine.push("--output", "pipe");
    hyperfine.push("--export-json", exported);
    for (const { name, command } of commands) hyperfine.push("-n", name, command);
    // Not spawnSync: the emulator in this process answers the fresh fetches.
    const child = spawn("hyperfine", hyperfine, { env, stdio: ["ignore", "inherit", "inherit"] });
    const status = await new Promise((done) => child.on("exit", done));
    if (status !== 0) throw new Error(`hyperfine failed (${status})`);
    const { results } = JSON.parse(await readFile(exported, "utf8"));
    results.forEach((result, i) => {
      medians[i]?.push(result.median);
      cpu[i]?.push(result.user + result.system);
      ratios[i]?.push(result.median / results[0].median);
    });
  }
  const median = (values) => {
    const sorted = [...values].sort((x, y) => x - y);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  };
  const ratio = commands.map((_, i) => median(ratios[i] ?? []));
  const time = commands.map((_, i) => median(medians[i] ?? []));
  const cpuTime = commands.map((_, i) => median(cpu[i] ?? []));
  const ms = (seconds) => (seconds * 1000).toFixed(1).padStart(6);

  console.log(
    `\nNode ${NODE_VERSION} (${node}); NODE_EXTRA_CA_CERTS unset; ${rounds} rounds of ${runs} runs; ratio: median over rounds of median / node -e 0's median`,
  );
  const width = Math.max(...paths.map(([name]) => name.length));
  console.log(
    `${"".padEnd(width)}  exe ms  npm ms  exe ratio  npm ratio  exe/npm  exe cpu  npm cpu  bar`,
  );
  console.log(
    `${"node -e 0".padEnd(width)}  ${ms(time[0])}  ${"".padStart(40)}  ${ms(cpuTime[0])}`,
  );
  const rows = [];
  paths.forEach(([name], p) => {
    const i = 1 + p * 2;
    const bar = name.includes("cache hit") ? 1.1 : name.includes("fresh") ? 3 : undefined;
    const notSlower = ratio[i] <= ratio[i + 1] * 1.05;
    const verdicts = [`exe ≤ npm ${notSlower ? "PASS" : "MISS"}`];
    if (bar !== undefined) verdicts.push(`≤ ${bar}× ${ratio[i] <= bar ? "PASS" : "MISS"}`);
    const mark = (ok) => (ok ? "✓" : "✗");
    rows.push(
      `| ${name} | ${ratio[i].toFixed(2)}×${bar === undefined ? "" : ` ${mark(ratio[i] <= bar)}`} | ${ratio[i + 1].toFixed(2)}× | ${(ratio[i] / ratio[i + 1]).toFixed(2)} ${mark(notSlower)} | ${ms(cpuTime[i]).trim()} / ${ms(cpuTime[i + 1]).trim()} ms |`,
    );
    console.log(
      [
        name.padEnd(width),
        (time[i] * 1000).toFixed(1).padStart(6),
        (time[i + 1] * 1000).toFixed(1).padStart(6),
        `${ratio[i].toFixed(2)}×`.padStart(9),
        `${ratio[i + 1].toFixed(2)}×`.padStart(9),
        `${(ratio[i] / ratio[i + 1]).toFixed(2)}`.padStart(7),
        `${ms(cpuTime[i])} ${ms(cpuTime[i + 1])}`.padStart(16),
        verdicts.join(", "),
      ].join("  "),
    );
  });
  if (process.argv.includes("--write-readme")) {
    const cpu = cpus();
    const table = [
      `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC by \`npm run bench:exe\` on ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"} (load average ${loadavg()[0]?.toFixed(1)} at the end), ${rounds} rounds of ${runs} runs: wall time as a ratio to \`node -e 0\` of Node ${NODE_VERSION}, the executable's Node, for the executable and for the npm package run by that Node (bars: cache hit ≤ 1.1×, fresh fetch ≤ 3×, executable no slower than the package).`,
      "",
      "| command | executable | npm package | executable ÷ package | CPU time, executable / package |",
      "|---|---|---|---|---|",
      ...rows,
    ].join("\n");
    const readme = await readFile(TABLE_FILE, "utf8");
    const pattern = /(<!-- bench-exe:start -->\n)[\s\S]*?(<!-- bench-exe:end -->)/;
    if (!pattern.test(readme))
      throw new Error(`${TABLE_FILE} has no <!-- bench-exe:start --> section`);
    await writeFile(TABLE_FILE, readme.replace(pattern, `$1${table}\n$2`));
    console.log(`${TABLE_FILE}: executable bench table rewritten`);
  }
} finally {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
}

function sh(command, env) {
  const child = spawn("sh", ["-c", command], { env, stdio: ["ignore", "inherit", "inherit"] });
  return new Promise((done) => child.on("exit", done));
}
