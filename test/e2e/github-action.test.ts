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
import { startProxy } from "../support/proxy.js";

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

/** What aws-actions/configure-aws-credentials leaves in the job's environment before the step. */
const CONFIGURED = { AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "eu-west-1" };
const HOST_C = "998877665544.dkr.ecr.eu-west-1.amazonaws.com";
const SUFFIX_A = `${ACCOUNT}_dkr_ecr_eu_west_1_amazonaws_com`;
const SUFFIX_C = "998877665544_dkr_ecr_eu_west_1_amazonaws_com";

const masksOf = (result: StepResult) =>
  result.commands.filter((c) => c.command === "add-mask").map((c) => c.data);
const warningsOf = (result: StepResult) =>
  result.commands.filter((c) => c.command === "warning").map((c) => c.data);

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

  test("local scope: outputs carry the registry host and amazon-ecr-login's docker outputs", () => {
    expect(Object.fromEntries(main.outputs)).toEqual({
      registry: PROXY_DOMAIN,
      registries: PROXY_DOMAIN,
      [`docker_username_${ACCOUNT}_dkr_ecr_eu_west_1_amazonaws_com`]: "AWS",
      [`docker_password_${ACCOUNT}_dkr_ecr_eu_west_1_amazonaws_com`]: PASSWORD,
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

/**
 * Each of amazon-ecr-login's README examples with only `uses:` swapped and `docker-login: true`
 * added (the migration docs/ci/github-actions.md gives): the step outputs it sets, verbatim.
 */
describe("as aws-actions/amazon-ecr-login's README runs it", () => {
  test.each([
    {
      example: "Login to Amazon ECR Private, then build and push",
      with: {},
      outputs: {
        registry: PROXY_DOMAIN,
        registries: PROXY_DOMAIN,
        [`docker_username_${SUFFIX_A}`]: "AWS",
        [`docker_password_${SUFFIX_A}`]: PASSWORD,
      },
      logins: [PROXY_DOMAIN],
      service: "ecr",
    },
    {
      example: "Login to Amazon ECR Public",
      with: { "registry-type": "public" },
      outputs: {
        registry: "public.ecr.aws",
        registries: "public.ecr.aws",
        docker_username_public_ecr_aws: "AWS",
        docker_password_public_ecr_aws: PASSWORD,
      },
      logins: ["public.ecr.aws"],
      service: "ecr-public",
    },
    {
      example: "Login to ECR on multiple AWS accounts",
      with: { registries: "123456789012,998877665544" },
      outputs: {
        registries: `${PROXY_DOMAIN},${HOST_C}`,
        [`docker_username_${SUFFIX_A}`]: "AWS",
        [`docker_password_${SUFFIX_A}`]: PASSWORD,
        [`docker_username_${SUFFIX_C}`]: "AWS",
        [`docker_password_${SUFFIX_C}`]: PASSWORD,
      },
      logins: [PROXY_DOMAIN, HOST_C],
      service: "ecr",
    },
  ])("$example", async (example) => {
    const before = ctx.emu.requests.length;
    const { runner, docker } = await job({ ...example.with, "docker-login": "true" }, CONFIGURED);
    const main = await runner.main();
    expect(main.code, main.stdout + main.stderr).toBe(0);
    // Exactly amazon-ecr-login's outputs (and our `registries`): no `registry` for several.
    expect(Object.fromEntries(main.outputs)).toEqual(example.outputs);
    // mask-password defaults to true: the password is masked before anything prints it.
    expect(masksOf(main)).toContain(PASSWORD);
    expectMaskedFirst(main, secretForms().slice(0, 2));
    expect(warningsOf(main)).toEqual([]);
    const calls = await docker.calls();
    expect(calls.filter((c) => c.argv[0] === "login").map((c) => c.argv.at(-1))).toEqual(
      example.logins,
    );
    const seen = ctx.emu.requests.slice(before).filter((r) => r.service.startsWith("ecr"));
    expect(seen.map((r) => [r.service, r.action])).toEqual([
      [example.service, "GetAuthorizationToken"],
    ]);
    const post = await runner.post();
    expect(post.code).toBe(0);
    expect(
      (await docker.calls()).filter((c) => c.argv[0] === "logout").map((c) => c.argv[1]),
    ).toEqual(example.logins);
  });

  test("Run an image as a service: mask-password 'false' leaves the password output unmasked", async () => {
    const { runner } = await job({ "mask-password": "false" }, CONFIGURED);
    const main = await runner.main();
    expect(main.code, main.stdout + main.stderr).toBe(0);
    expect(main.outputs.get(`docker_password_${SUFFIX_A}`)).toBe(PASSWORD);
    expect(main.outputs.get(`docker_username_${SUFFIX_A}`)).toBe("AWS");
    expect(main.outputs.get("registry")).toBe(PROXY_DOMAIN);
    // Not registered with the runner, so a job output holding it reaches the next job; nothing
    // registered is part of it, or the runner would drop the output.
    const masks = masksOf(main);
    expect(masks.some((mask) => PASSWORD.includes(mask))).toBe(false);
    // The token, the JSON form and the AWS secret key stay masked, and our log never prints it.
    for (const secret of [tokenOf(PASSWORD), secretForms()[2], secretForms()[3]])
      expect(masks).toContain(secret);
    expect(runnerLog(main.stdout)).not.toContain(PASSWORD);
    expect(warningsOf(main).join("\n")).toContain("mask-password: false");
  });

  test("http-proxy carries the AWS calls to an endpoint only the proxy reaches", async () => {
    const endpointHost = "aws-emulator.test";
    const proxy = await startProxy({
      tls: () => undefined,
      http: (host) => (host === endpointHost ? new URL(ctx.emu.url).host : undefined),
    });
    try {
      const endpoint = `http://${endpointHost}:${new URL(ctx.emu.url).port}`;
      const { runner } = await job(
        { "http-proxy": proxy.url },
        { ...CONFIGURED, AWS_ENDPOINT_URL: endpoint },
      );
      const main = await runner.main();
      expect(main.code, main.stdout + main.stderr).toBe(0);
      expect(main.outputs.get(`docker_password_${SUFFIX_A}`)).toBe(PASSWORD);
      expect(proxy.seen).toEqual([`POST ${endpointHost}:${new URL(endpoint).port}/`]);
      // Without the input the endpoint is unreachable: the proxy is what carried the call.
      const { runner: direct } = await job(
        { timeout: "3" },
        { ...CONFIGURED, AWS_ENDPOINT_URL: endpoint },
      );
      expect((await direct.main()).code).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  test("an input the Action does not have: a warning naming it, beside the runner's own", async () => {
    const { runner } = await job(
      { registry: "998877665544", "mask-passwords": "false" },
      CONFIGURED,
    );
    expect(runner.runnerWarnings.join()).toContain(
      "Unexpected input(s) 'registry', 'mask-passwords'",
    );
    const main = await runner.main();
    expect(main.code, main.stdout + main.stderr).toBe(0);
    const warnings = warningsOf(main);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(
      "input mask-passwords is not an input of this Action and was ignored: did you mean mask-password?",
    );
    expect(warnings[1]).toContain(
      "input registry is not an input of this Action and was ignored: did you mean registries?",
    );
  });

  test("registry-type other than private or public fails the step, naming the input", async () => {
    const { runner } = await job({ "registry-type": "pubic" }, CONFIGURED);
    const main = await runner.main();
    expect(main.code).toBe(1);
    const error = main.commands.find((c) => c.command === "error")?.data ?? "";
    expect(error).toContain('input registry-type: "pubic" is not a registry type');
    expect(main.outputs.size + main.env.size).toBe(0);
  });
});
