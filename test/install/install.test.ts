/**
 * The npm package as a user gets it, by each install route (README "Install"): the packed
 * tarball, a git URL (npm clones it, installs the devDependencies and runs `prepare`, which builds
 * dist/), and `npx`. Each route installs into a fresh directory with nothing of this checkout
 * around it, then runs the bins through their shebangs: `--version`, the emulator bin serving a
 * fetch of `ecr-vars`, the credential helper's `get` and the kubelet plugin's answer.
 *
 * Slow (it packs, and a git install builds), so it is its own suite: `npm run test:install`.
 * npm installs from its local cache: the tarball has no dependencies, and the git route's
 * devDependencies are the ones `npm ci` just fetched.
 */

import { execFile, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const ROOT = resolve(".");
const HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  bin: Record<string, string>;
  dependencies?: Record<string, string>;
  repository?: { url?: string };
  license?: string;
};

let work: string;
let tarball: string;

/** npm's own environment without the variables of the `npm run` this suite may run under. */
function npmEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^npm_/i.test(key)) env[key] = value;
  }
  return env;
}

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string>; input?: string; timeout?: number },
): Promise<Result> {
  return new Promise((done) => {
    const child = execFile(
      file,
      [...args],
      {
        cwd: options.cwd,
        env: options.env,
        timeout: options.timeout ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
    // A command that does not read its input may close it first.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(options.input ?? "");
  });
}

async function npm(args: readonly string[], cwd: string, timeout = 240_000): Promise<Result> {
  const result = await run("npm", ["--no-audit", "--no-fund", ...args], {
    cwd,
    env: npmEnv(),
    timeout,
  });
  if (result.code !== 0) {
    throw new Error(`npm ${args.join(" ")} failed (${result.code}):\n${result.stderr}`);
  }
  return result;
}

/** A fresh directory with an empty package, as `npm init -y` would leave it. */
async function freshApp(name: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir);
  await writeFile(join(dir, "package.json"), '{ "name": "app", "private": true }\n');
  return dir;
}

/** How a route runs one of the package's bins: the command line and its environment. */
type Route = (
  name: string,
  args: readonly string[],
  env: Record<string, string>,
) => { file: string; args: string[]; env: Record<string, string> };

/** The installed package's node_modules/.bin, run through the shebang. */
function installed(app: string): Route {
  return (name, args, env) => ({
    file: join(app, "node_modules", ".bin", name),
    args: [...args],
    env,
  });
}

function bin(
  route: Route,
  cwd: string,
  name: string,
  args: readonly string[],
  env: Record<string, string>,
  input?: string,
) {
  const command = route(name, args, env);
  return run(command.file, command.args, {
    cwd,
    env: command.env,
    timeout: 120_000,
    ...(input === undefined ? {} : { input }),
  });
}

/** A user's environment: node on PATH (for the shebang), no AWS set-up, a throw-away home. */
function userEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: [dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(delimiter),
    HOME: home,
    ECR_VARS_CACHE_DIR: join(home, "cache"),
    AWS_CONFIG_FILE: join(home, "none"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "none"),
    AWS_EC2_METADATA_DISABLED: "true",
    ...extra,
  };
}

/** Starts the installed `ecr-vars-emulator` and reads the settings it writes for its user. */
async function startInstalledEmulator(
  route: Route,
  home: string,
): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  const help = await bin(route, home, "ecr-vars-emulator", ["--help"], userEnv(home));
  expect(help.stdout).toContain("Usage: ecr-vars-emulator");
  expect(help.code).toBe(0);

  const envFile = join(home, "emulator.env");
  const command = route("ecr-vars-emulator", ["--env-out", envFile], userEnv(home));
  // A process group of its own: npx runs the bin as a child of its own, which must stop too.
  const child = spawn(command.file, command.args, {
    cwd: home,
    env: command.env,
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  await new Promise<void>((ready, fail) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("listening on")) ready();
    });
    child.once("exit", (code) => fail(new Error(`the emulator exited (${code}): ${stderr}`)));
  });
  child.removeAllListeners("exit");
  const env: Record<string, string> = {};
  for (const line of (await readFile(envFile, "utf8")).split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return {
    env,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((done) => child.once("exit", done));
      process.kill(-(child.pid ?? 0), "SIGTERM");
      await exited;
      // Nothing of the group is left (npx's child too): signal 0 to an empty group fails.
      const gone = () => {
        try {
          process.kill(-(child.pid ?? 0), 0);
          return false;
        } catch {
          return true;
        }
      };
      for (let i = 0; i < 100 && !gone(); i++) await new Promise((done) => setTimeout(done, 50));
      expect(gone()).toBe(true);
    },
  };
}

/** What every route must do: versions, a fetch served by the installed emulator, the helper. */
async function exercise(route: Route, home: string): Promise<void> {
  const version = await bin(route, home, "ecr-vars", ["--version"], userEnv(home));
  expect(version.stderr).toBe("");
  expect(version.stdout.trim()).toBe(pkg.version);
  expect(version.code).toBe(0);

  const helperVersion = await bin(
    route,
    home,
    "docker-credential-ecr-vars",
    ["version"],
    userEnv(home),
  );
  expect(helperVersion.stdout).toContain(pkg.version);
  expect(helperVersion.code).toBe(0);

  const emulator = await startInstalledEmulator(route, home);
  try {
    const env = userEnv(home, emulator.env);
    const fetched = await bin(
      route,
      home,
      "ecr-vars",
      ["--region", "eu-west-1", "--registry-id", "123456789012", "--format", "json"],
      env,
    );
    expect(fetched.stderr).not.toMatch(/error|warn/i);
    expect(fetched.code).toBe(0);
    const variables = JSON.parse(fetched.stdout) as Record<string, string>;
    expect(variables["custom.aws.ecr.username"]).toBe("AWS");
    expect(variables["custom.aws.ecr.proxyEndpointDomain"]).toBe(HOST);
    expect(variables["custom.aws.ecr.password"]?.length).toBeGreaterThan(100);

    const helper = await bin(route, home, "docker-credential-ecr-vars", ["get"], env, HOST);
    expect(helper.code).toBe(0);
    const answer = JSON.parse(helper.stdout) as Record<string, string>;
    expect(answer.Username).toBe("AWS");
    expect(answer.ServerURL).toBe(HOST);
    expect(answer.Secret?.length).toBeGreaterThan(100);

    const kubelet = await bin(
      route,
      home,
      "ecr-vars-kubelet",
      [],
      env,
      JSON.stringify({
        kind: "CredentialProviderRequest",
        apiVersion: "credentialprovider.kubelet.k8s.io/v1",
        image: `${HOST}/app`,
      }),
    );
    expect(kubelet.code, kubelet.stderr).toBe(0);
    const response = JSON.parse(kubelet.stdout) as { auth: Record<string, { username: string }> };
    expect(response.auth[HOST]?.username).toBe("AWS");
  } finally {
    await emulator.stop();
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "ecr-vars-install-"));
  // `npm pack` runs `prepare`: the tarball holds a fresh build of this checkout.
  const packed = await npm(["pack", "--json", "--pack-destination", work], ROOT);
  const [info] = JSON.parse(packed.stdout) as [{ filename: string }];
  tarball = join(work, info.filename);
}, 300_000);

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe("the npm package", () => {
  test("holds dist/, the docs --help names, README, ARCHITECTURE and LICENSE, and nothing else", async () => {
    const dry = await npm(["pack", "--dry-run", "--json", "--ignore-scripts"], ROOT);
    const [info] = JSON.parse(dry.stdout) as [{ files: { path: string; mode: number }[] }];
    const paths = info.files.map((file) => file.path).sort();
    const allowed = [
      /^package\.json$/,
      /^(README|ARCHITECTURE)\.md$/,
      /^LICENSE$/,
      /^docs\/[a-z0-9/-]+\.md$/,
      /^dist\/[a-z0-9/._-]+\.(cjs|mjs|d\.ts)$/i,
    ];
    expect(paths.filter((path) => !allowed.some((pattern) => pattern.test(path)))).toEqual([]);
    expect(
      paths.filter((path) => /(^|\/)(test|fixtures?|coverage|node_modules)\//.test(path)),
    ).toEqual([]);
    for (const file of Object.values(pkg.bin)) expect(paths).toContain(file.replace(/^\.\//, ""));
    expect(paths).toContain("LICENSE");
    expect(paths).toContain("dist/types/src/index.d.ts");

    // Every document that --help points at ships with the package.
    const help = await run(process.execPath, [join(ROOT, "dist/ecr-vars.cjs"), "--help"], {
      cwd: ROOT,
      env: userEnv(work),
    });
    const named = [...new Set(help.stdout.match(/\bdocs\/[a-z0-9/-]+\.md\b/g) ?? [])];
    expect(named.length).toBeGreaterThan(0);
    for (const doc of named) expect(paths).toContain(doc);
  });

  test("every bin starts with a shebang; LICENSE is Apache-2.0; no runtime dependencies", async () => {
    for (const file of Object.values(pkg.bin)) {
      const text = await readFile(join(ROOT, file), "utf8");
      expect(text.startsWith("#!/usr/bin/env node\n"), file).toBe(true);
      expect((await stat(join(ROOT, file))).mode & 0o111, file).not.toBe(0);
    }
    expect(pkg.license).toBe("Apache-2.0");
    expect(await readFile(join(ROOT, "LICENSE"), "utf8")).toContain("Apache License");
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\//);
    // dist/ is bundled: an install pulls nothing else.
    expect(pkg.dependencies ?? {}).toEqual({});
  });
});

describe("install routes, each in a fresh directory", () => {
  test("npm install of the packed tarball", async () => {
    const app = await freshApp("from-tarball");
    await npm(["install", "--offline", tarball], app);
    await exercise(installed(app), app);
  }, 300_000);

  test("npm install git+file:// of a clean repository (prepare builds dist/)", async () => {
    // The repository as a user clones it: the tracked and new files of this checkout, no dist/,
    // no node_modules, one commit.
    const repo = join(work, "repo");
    const listed = await run(
      "git",
      ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
      {
        cwd: ROOT,
        env: npmEnv(),
      },
    );
    for (const file of listed.stdout.split("\0").filter((name) => name !== "")) {
      const exists = await stat(join(ROOT, file)).catch(() => undefined);
      if (exists?.isFile()) await cp(join(ROOT, file), join(repo, file));
    }
    const identity = { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@localhost" };
    const gitEnv = {
      ...npmEnv(),
      ...identity,
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@localhost",
    };
    for (const args of [
      ["init", "-q"],
      ["add", "-A"],
      ["commit", "-q", "-m", "snapshot"],
    ]) {
      const result = await run("git", args, { cwd: repo, env: gitEnv });
      expect(result.code, `git ${args.join(" ")}: ${result.stderr}`).toBe(0);
    }

    const app = await freshApp("from-git");
    await npm(["install", "--prefer-offline", `git+file://${repo}`], app, 480_000);
    const dist = join(app, "node_modules", "ecr-vars", "dist");
    expect((await stat(join(dist, "cli.cjs"))).isFile()).toBe(true);
    expect((await stat(join(dist, "types", "src", "index.d.ts"))).isFile()).toBe(true);
    await exercise(installed(app), app);
  }, 600_000);

  test("npx --package (no project around it)", async () => {
    const dir = join(work, "npx");
    await mkdir(dir);
    const npmHome = process.env.HOME ?? dir;
    // npx installs the package into its own cache (under npm's home) and runs the bin from there.
    const npx: Route = (name, args, env) => ({
      file: "npx",
      args: ["--yes", "--offline", "--package", tarball, "--", name, ...args],
      env: { ...env, HOME: npmHome, PATH: process.env.PATH ?? env.PATH ?? "" },
    });
    await exercise(npx, dir);
  }, 300_000);
});
