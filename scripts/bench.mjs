// `npm run bench`: start-up cost of the cache-hit paths against a bare `node -e 0` (SPEC 5: a fetch
// answered from the token cache ≤ 1.2×), plus one fresh fetch (≤ 3×). Needs hyperfine on PATH.
// hyperfine runs each command through a shell (the helper reads the registry from stdin) and
// subtracts the shell's own start-up. Everything runs against the local emulator on loopback with a throw-away cache directory.
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createEmulator } from "../dist/emulator.mjs";

const run = promisify(execFile);
const emu = await createEmulator({});
const dir = await mkdtemp(join(tmpdir(), "ecr-vars-bench-"));
try {
  const host = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    ECR_VARS_CACHE_DIR: join(dir, "cache"),
    AWS_ENDPOINT_URL: emu.url,
    AWS_ACCESS_KEY_ID: emu.defaultUser.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emu.defaultUser.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: join(dir, "none"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "none"),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  const hostFile = join(dir, "host.txt");
  await writeFile(hostFile, host);
  const cli = "dist/ecr-vars.cjs --region eu-west-1 --registry-id 123456789012 -q";
  // Fill the cache once; both the helper and the CLI read the same entry afterwards.
  await run(process.execPath, cli.split(" ").concat("--cache"), { env });
  const node = process.execPath;
  const export_ = join(dir, "hyperfine.json");
  // Not spawnSync: the emulator in this process must keep answering the fresh fetches.
  const hyperfine = spawn(
    "hyperfine",
    [
      "--warmup",
      "5",
      "--runs",
      process.env.BENCH_RUNS ?? "40",
      "--export-json",
      export_,
      "-n",
      "node -e 0",
      `${node} -e 0`,
      "-n",
      "helper get (cache hit)",
      `${node} dist/docker-credential-ecr-vars.cjs get < ${hostFile}`,
      "-n",
      "ecr-vars --cache (cache hit)",
      `${node} ${cli} --cache`,
      "-n",
      "ecr-vars (fresh fetch)",
      `${node} ${cli}`,
    ],
    { env, stdio: ["ignore", "inherit", "inherit"] },
  );
  const status = await new Promise((resolve) => hyperfine.on("exit", (code) => resolve(code)));
  if (status !== 0) throw new Error(`hyperfine failed (${status})`);
  const { results } = JSON.parse(await readFile(export_, "utf8"));
  const base = results[0].mean;
  const baseMedian = results[0].median;
  console.log("\nratio to node -e 0:        mean   median");
  for (const r of results) {
    const mean = (r.mean / base).toFixed(2);
    const median = (r.median / baseMedian).toFixed(2);
    console.log(`  ${r.command.padEnd(28)} ${mean}x  ${median}x`);
  }
} finally {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
}
