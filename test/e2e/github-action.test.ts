/**
 * The GitHub Action as the runner runs it: the committed bundles `action/main.cjs` and
 * `action/post.cjs` in their own processes, inputs in INPUT_* variables, real file-command files
 * read back with the runner's rules, a fake `docker` on PATH recording argv and stdin.
 */

import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  ACCOUNT,
  type E2eContext,
  EXPIRES_TEXT,
  PROXY_DOMAIN,
  PROXY_ENDPOINT,
  startE2e,
  tokenOf,
} from "../support/e2e-harness.js";
import { fakeDocker } from "../support/fake-docker.js";
import { type GitHubOidc, startGitHubOidc } from "../support/github-oidc.js";
import { actionNode, runnerJob, runnerLog, type StepResult } from "../support/github-runner.js";

// Shaped like an ECR password: long, base64-ish, with characters that need escaping somewhere.
const PASSWORD = `eyJwYXlsb2FkIjoi${"Qk1xV2x3d0FhY2Nlc3N+/=".repeat(40)}`;
const HOST_B = "210987654321.dkr.ecr.us-east-2.amazonaws.com";

let ctx: E2eContext;
let oidc: GitHubOidc;
beforeAll(async () => {
  ctx = await startE2e({ password: PASSWORD });
  oidc = await startGitHubOidc();
});
afterAll(async () => {
  await oidc?.close();
  await ctx?.close();
});

let jobs = 0;
async function job(withInputs: Record<string, string>, extra: Record<string, string> = {}) {
  jobs += 1;
  const dir = ctx.path(`job-${jobs}`);
  const docker = await fakeDocker(dir);
  const env = ctx.env({ PATH: `${docker.bin}:${process.env.PATH}`, ...extra });
  for (const [key, value] of Object.entries(extra)) if (value === "") delete env[key];
  return { runner: await runnerJob({ dir, with: withInputs, env }), docker, dir };
}

/** Secrets and the forms they take, each of which must be masked before it first appears. */
function secretForms(): string[] {
  const json = JSON.stringify({
    authorizationToken: tokenOf(PASSWORD),
    expirationDate: EXPIRES_TEXT,
    proxyEndpoint: PROXY_ENDPOINT,
    proxyEndpointDomain: PROXY_DOMAIN,
    username: "AWS",
    password: PASSWORD,
  });
  return [PASSWORD, tokenOf(PASSWORD), json, ctx.emu.defaultUser.secretAccessKey];
}

/**
 * Every secret is masked before its first appearance: the first stdout line holding it is its own
 * `::add-mask::` line. Also: the log the runner shows holds none, nor does stderr.
 */
function expectMaskedFirst(result: StepResult, secrets: readonly string[]): void {
  const lines = result.stdout.split("\n");
  for (const secret of secrets) {
    const first = lines.findIndex((line) => line.includes(secret));
    if (first < 0) continue;
    expect(lines[first], `first appearance of a secret is not its mask`).toBe(
      `::add-mask::${secret}`,
    );
  }
  const log = runnerLog(result.stdout);
  for (const secret of secrets) {
    expect(log.includes(secret), `secret in the runner's log:\n${log}`).toBe(false);
    expect(result.stderr.includes(secret)).toBe(false);
  }
}

describe(`main then post on ${actionNode().version}, scope local, docker login`, () => {
  let main: StepResult;
  let post: StepResult;
  let calls: Awaited<ReturnType<Awaited<ReturnType<typeof fakeDocker>>["calls"]>>;
  let temp: string;
  beforeAll(async () => {
    const { runner, docker } = await job({ region: "eu-west-1", "docker-login": "true" });
    temp = runner.temp;
    main = await runner.main();
    post = await runner.post();
    calls = await docker.calls();
  });

  test("main succeeds and masks every secret before anything else prints it", () => {
    expect(main.code, main.stdout + main.stderr).toBe(0);
    const masks = main.commands.filter((c) => c.command === "add-mask").map((c) => c.data);
    for (const secret of secretForms().slice(0, 3)) expect(masks).toContain(secret);
    expectMaskedFirst(main, secretForms());
  });

  test("GITHUB_ENV holds the seven variables, read back exactly with the runner's rules", () => {
    expect(Object.fromEntries(main.env)).toEqual({
      CUSTOM_AWS_ECR_AUTHORIZATIONTOKEN_PASSWORD: tokenOf(PASSWORD),
      CUSTOM_AWS_ECR_EXPIRATIONDATE: EXPIRES_TEXT,
      CUSTOM_AWS_ECR_PROXYENDPOINT: PROXY_ENDPOINT,
      CUSTOM_AWS_ECR_PROXYENDPOINTDOMAIN: PROXY_DOMAIN,
      CUSTOM_AWS_ECR_USERNAME: "AWS",
      CUSTOM_AWS_ECR_PASSWORD: PASSWORD,
      CUSTOM_AWS_ECR_CREDENTIALS_JSON_PASSWORD: secretForms()[2],
    });
    // Multi-line-safe delimiter syntax, not NAME=VALUE.
    expect(main.files.env).toMatch(/^CUSTOM_AWS_ECR_PASSWORD<<ghadelimiter_[0-9a-f-]+$/m);
  });

  test("local scope: outputs carry the registry host and no secret", () => {
    expect(Object.fromEntries(main.outputs)).toEqual({
      registry: PROXY_DOMAIN,
      registries: PROXY_DOMAIN,
    });
    expect(main.stdout).toContain("scope local");
  });

  test("docker login gets the password on stdin, never in argv", () => {
    const login = calls.find((c) => c.argv[0] === "login");
    expect(login?.argv).toEqual(["login", "--username", "AWS", "--password-stdin", PROXY_DOMAIN]);
    expect(login?.stdin).toBe(PASSWORD);
    for (const call of calls) expect(call.argv.join(" ")).not.toContain(PASSWORD);
  });

  test("post logs out of exactly what main logged in to", () => {
    expect(post.code, post.stdout + post.stderr).toBe(0);
    expect(calls.filter((c) => c.argv[0] === "logout").map((c) => c.argv)).toEqual([
      ["logout", PROXY_DOMAIN],
    ]);
    expect(post.stdout).toContain(`Logged out of ${PROXY_DOMAIN}.`);
  });

  test("nothing of the run is left in RUNNER_TEMP", async () => {
    const left = (await readdir(temp)).filter((name) => name !== "_runner_file_commands");
    expect(left).toEqual([]);
  });
});

describe("scope result with two registries", () => {
  let main: StepResult;
  beforeAll(async () => {
    const { runner } = await job({
      region: "eu-west-1",
      scope: "result",
      registries: `${PROXY_DOMAIN}\n${HOST_B}`,
    });
    main = await runner.main();
  });

  test("step outputs named like amazon-ecr-login's, plus every variable", () => {
    expect(main.code, main.stdout + main.stderr).toBe(0);
    const outputs = Object.fromEntries(main.outputs);
    expect(outputs.registry).toBeUndefined();
    expect(outputs.registries).toBe(`${PROXY_DOMAIN},${HOST_B}`);
    expect(outputs[`docker_username_${ACCOUNT}_dkr_ecr_eu_west_1_amazonaws_com`]).toBe("AWS");
    expect(outputs[`docker_password_${ACCOUNT}_dkr_ecr_eu_west_1_amazonaws_com`]).toBe(PASSWORD);
    expect(outputs.docker_password_210987654321_dkr_ecr_us_east_2_amazonaws_com).toBe(PASSWORD);
    expect(outputs.CUSTOM_AWS_ECR_210987654321_US_EAST_2_PROXYENDPOINTDOMAIN).toBe(HOST_B);
    expect(outputs.CUSTOM_AWS_ECR_PASSWORD).toBe(PASSWORD);
    expect(main.env.get("CUSTOM_AWS_ECR_PASSWORD")).toBe(PASSWORD);
    expectMaskedFirst(main, secretForms().slice(0, 2));
    expect(main.stdout).toContain("scope result; masked outputs do not cross jobs");
  });
});

describe("OIDC: role-arn and the workflow's token, no keys, no connectors file", () => {
  let main: StepResult;
  let temp: string;
  beforeAll(async () => {
    const before = ctx.emu.requests.length;
    const { runner } = await job(
      { region: "eu-west-1", "role-arn": `arn:aws:iam::${ACCOUNT}:role/gha-ecr` },
      { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", ...oidc.env },
    );
    temp = runner.temp;
    main = await runner.main();
    const sts = ctx.emu.requests.slice(before).filter((r) => r.service === "sts");
    expect(sts.map((r) => [r.action, r.status])).toEqual([["AssumeRoleWithWebIdentity", 200]]);
    expect(sts[0]?.params.RoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/gha-ecr`);
  });

  test("the token came from the runner's token service (getIDToken) for sts.amazonaws.com", () => {
    expect(main.code, main.stdout + main.stderr).toBe(0);
    expect(oidc.audiences.at(-1)).toBe("sts.amazonaws.com");
    expect(main.env.get("CUSTOM_AWS_ECR_PASSWORD")).toBe(PASSWORD);
    expect(main.stdout).toContain("with the workflow's OIDC token");
  });

  test("the OIDC token and the request token are masked before anything else", () => {
    const jwt = oidc.issued.at(-1) ?? "none";
    expectMaskedFirst(main, [...secretForms(), jwt, oidc.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN]);
    const masks = main.commands.filter((c) => c.command === "add-mask").map((c) => c.data);
    expect(masks).toContain(jwt);
  });

  test("the token file is gone once main ends", async () => {
    expect((await readdir(temp)).filter((n) => n.startsWith("ecr-vars-"))).toEqual([]);
  });
});

describe("OIDC failures", () => {
  test("the token service refuses: a credentials failure that names the permission", async () => {
    const { runner } = await job(
      { region: "eu-west-1", "role-arn": `arn:aws:iam::${ACCOUNT}:role/gha-ecr` },
      {
        AWS_ACCESS_KEY_ID: "",
        AWS_SECRET_ACCESS_KEY: "",
        ...oidc.env,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: "not-the-runners-token",
      },
    );
    const main = await runner.main();
    expect(main.code).toBe(1);
    const error = main.commands.find((c) => c.command === "error")?.data ?? "";
    expect(error).toContain("the runner gave no OIDC token for audience sts.amazonaws.com");
    expect(error).toContain("permissions: id-token: write");
    expect(error).not.toContain("internal error");
    expect(runnerLog(main.stdout)).not.toContain("not-the-runners-token");
  });

  test("role-arn in a job without id-token: write and without keys: the failure says what to add", async () => {
    const { runner } = await job(
      { region: "eu-west-1", "role-arn": `arn:aws:iam::${ACCOUNT}:role/gha-ecr`, timeout: "5" },
      { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "" },
    );
    const main = await runner.main();
    expect(main.code).toBe(1);
    const error = main.commands.find((c) => c.command === "error")?.data ?? "";
    expect(error).toContain("this job may not request the workflow's OIDC token");
    expect(error).toContain("fix: give the job `permissions: id-token: write`");
    expect(error).not.toContain("AWS_ACCESS_KEY_ID");
  });
});

describe("docker login without a docker CLI: the Docker config file", () => {
  test("main writes the login to $DOCKER_CONFIG/config.json, post removes it", async () => {
    const { runner, dir } = await job(
      { region: "eu-west-1", "docker-login": "true" },
      { PATH: "/nonexistent-bin", DOCKER_CONFIG: join(ctx.dir, "docker-config") },
    );
    const main = await runner.main();
    expect(main.code, main.stdout + main.stderr).toBe(0);
    const config = JSON.parse(
      await readFile(join(ctx.dir, "docker-config", "config.json"), "utf8"),
    );
    expect(config.auths[PROXY_DOMAIN].auth).toBe(tokenOf(PASSWORD));
    expectMaskedFirst(main, secretForms());
    const post = await runner.post();
    expect(post.code, post.stdout + post.stderr).toBe(0);
    const after = JSON.parse(await readFile(join(ctx.dir, "docker-config", "config.json"), "utf8"));
    expect(after.auths?.[PROXY_DOMAIN]).toBeUndefined();
    expect(existsSync(dir)).toBe(true);
  });
});

describe("skip-logout and failures", () => {
  test("skip-logout: post keeps the login", async () => {
    const { runner, docker } = await job({
      region: "eu-west-1",
      "docker-login": "true",
      "skip-logout": "true",
    });
    expect((await runner.main()).code).toBe(0);
    const post = await runner.post();
    expect(post.code).toBe(0);
    expect(post.stdout).toContain(`skip-logout: keeping the logins for ${PROXY_DOMAIN}`);
    expect((await docker.calls()).map((c) => c.argv[0])).toEqual(["login"]);
  });

  test("a docker login that fails fails the step; post claims no logout it did not perform", async () => {
    const { runner, docker } = await job({ region: "eu-west-1", "docker-login": "true" });
    // Replace the fake with one whose login fails, as a docker without a daemon would.
    const { writeFile, chmod } = await import("node:fs/promises");
    await writeFile(
      join(docker.bin, "docker"),
      `#!${process.execPath}\nprocess.stdin.resume();process.stdin.on("end",()=>{const a=process.argv.slice(2);if(a[0]==="login"){process.stderr.write("Cannot connect to the Docker daemon\\n");process.exit(1)}process.stdout.write("Removing login credentials\\n")})\n`,
    );
    await chmod(join(docker.bin, "docker"), 0o755);
    const main = await runner.main();
    expect(main.code).toBe(1);
    const error = main.commands.find((c) => c.command === "error");
    expect(error?.data).toContain(`docker login ${PROXY_DOMAIN} failed (exit 1)`);
    expectMaskedFirst(main, secretForms());
    const post = await runner.post();
    expect(post.code).toBe(0);
    // Nothing was logged in to, so nothing is logged out of, nor said to be (the fake above
    // answers a logout with "Removing login credentials", which would read as one).
    expect(post.stdout).not.toContain("Logged out");
  });

  test("a login another step already logged out of: post says so, not that it logged out", async () => {
    const { runner, docker } = await job({ region: "eu-west-1", "docker-login": "true" });
    const { writeFile, chmod } = await import("node:fs/promises");
    await writeFile(
      join(docker.bin, "docker"),
      `#!${process.execPath}\nprocess.stdin.resume();process.stdin.on("end",()=>{const a=process.argv.slice(2);if(a[0]==="logout")process.stdout.write("Not logged in to "+a[1]+"\\n")})\n`,
    );
    await chmod(join(docker.bin, "docker"), 0o755);
    expect((await runner.main()).code).toBe(0);
    const post = await runner.post();
    expect(post.code).toBe(0);
    expect(post.stdout).toContain(
      `Not logged in to ${PROXY_DOMAIN} any more: nothing to log out of.`,
    );
    expect(post.stdout).not.toContain("Logged out");
  });

  test("disabled: true does nothing and says so", async () => {
    const { runner } = await job({ region: "eu-west-1", disabled: "true" });
    const main = await runner.main();
    expect(main.code).toBe(0);
    expect(main.stdout).toContain("the task is disabled");
    expect(main.env.size + main.outputs.size + main.state.size).toBe(0);
  });

  test("a bad input fails the step with the input's name and the fix, no stack", async () => {
    const { runner } = await job({ region: "eu-west-1", scope: "everywhere" });
    const main = await runner.main();
    expect(main.code).toBe(1);
    const error = main.commands.find((c) => c.command === "error");
    expect(error?.data).toContain('input scope: "everywhere" is not a scope');
    expect(error?.data).not.toContain("--scope");
    expect(error?.data).toContain("fix:");
    expect(main.stdout + main.stderr).not.toMatch(/\n\s+at /);
    expect(main.env.size).toBe(0);
  });
});
