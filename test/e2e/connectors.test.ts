/**
 * `ecr-vars connectors list|test` with the built CLI against the emulator: every connector type
 * resolves through the real SDK providers and STS calls, and the emulator sees the parameters the
 * connectors file asks for. Failures name each link of a chain; no secret reaches any output.
 */
import { chmod, copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliResult } from "../support/cli.js";
import {
  type E2eContext,
  expectNoSecrets,
  expectNoStack,
  REGION,
  startE2e,
} from "../support/e2e-harness.js";
import { makeJwt } from "../support/emulator.js";
import { type GitHubOidc, startGitHubOidc } from "../support/github-oidc.js";

const ACCOUNT = "123456789012";
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

let ctx: E2eContext;
let oidc: GitHubOidc;
let file: string;
let gitlabToken: string;
let secrets: string[];

function connectorsYaml(dir: string): string {
  return `connectors:
  - id: ${id(1)}
    name: keys
    type: access-keys
    accessKeyId: \${env.CI_KEY}
    secretAccessKey: \${env.CI_SECRET}
  - id: ${id(2)}
    name: mfa
    type: session-token
    base: keys
    mfaSerial: arn:aws:iam::${ACCOUNT}:mfa/ci
    mfaCode: \${env.MFA_CODE}
    maxDurationSeconds: 3600
  - id: ${id(3)}
    name: fed
    type: federated-user
    base: keys
    federatedName: ci-fed
    policy:
      Version: "2012-10-17"
      Statement: [{ Effect: Allow, Action: "ecr:GetAuthorizationToken", Resource: "*" }]
  - id: ${id(4)}
    name: push
    type: assume-role
    base: keys
    roleArn: ${role("ecr-push")}
    externalId: \${env.PUSH_EXTERNAL_ID}
    tags: { team: platform, build: "\${env.BUILD_TAG}" }
    transitiveTagKeys: [team]
    sourceIdentity: ci-robot
    maxDurationSeconds: 1800
  - id: ${id(5)}
    name: push-env
    type: assume-role
    roleArn: ${role("ecr-env")}
  - id: ${id(6)}
    name: push-instance
    type: assume-role
    base: instance-role
    roleArn: ${role("ecr-instance")}
  - id: ${id(7)}
    name: gh
    type: web-identity
    roleArn: ${role("ecr-github")}
    github: { audience: sts.amazonaws.com }
  - id: ${id(8)}
    name: gl
    type: web-identity
    roleArn: ${role("ecr-gitlab")}
    tokenEnv: GITLAB_OIDC_TOKEN
  - id: ${id(9)}
    name: token-file
    type: web-identity
    roleArn: ${role("ecr-irsa")}
    tokenFile: ${join(dir, "token.jwt")}
  - id: ${id(10)}
    name: prof
    type: profile
    profile: ci
    configFile: ${join(dir, "aws-config")}
    credentialsFile: ${join(dir, "aws-credentials")}
  - id: ${id(11)}
    name: prof-process
    type: profile
    profile: process
    configFile: ${join(dir, "aws-config")}
    credentialsFile: ${join(dir, "aws-credentials")}
  - id: ${id(12)}
    name: prof-role
    type: profile
    profile: deploy
    configFile: ${join(dir, "aws-config")}
    credentialsFile: ${join(dir, "aws-credentials")}
  - id: ${id(13)}
    name: instance
    type: instance-role
  - id: ${id(14)}
    name: container
    type: container-role
  - id: ${id(15)}
    name: no-keys
    type: access-keys
    accessKeyId: AKIAIOSFODNN7EXAMPLE
    secretAccessKey: \${env.MISSING_SECRET}
  - id: ${id(16)}
    name: middle
    type: assume-role
    base: no-keys
    roleArn: ${role("ecr-middle")}
  - id: ${id(17)}
    name: top
    type: assume-role
    base: middle
    roleArn: ${role("ecr-top")}
  - id: ${id(18)}
    name: chained
    type: assume-role
    base: push
    roleArn: ${role("ecr-chained")}
`;
}

beforeAll(async () => {
  ctx = await startE2e({ instanceRegion: REGION });
  oidc = await startGitHubOidc();
  const now = Math.floor(Date.now() / 1000);
  gitlabToken = makeJwt({
    iss: "https://gitlab.example.com",
    sub: "project_path:g/p",
    aud: "sts.amazonaws.com",
    exp: now + 600,
  });
  const fileToken = makeJwt({
    iss: "https://oidc.eks.example.com",
    sub: "system:serviceaccount:ci:builder",
    aud: "sts.amazonaws.com",
    exp: now + 600,
  });
  await ctx.write("token.jwt", `${fileToken}\n`);
  const { accessKeyId, secretAccessKey } = ctx.emu.defaultUser;
  const processScript = await ctx.write(
    "credential-process.sh",
    `#!/bin/sh\nprintf '{"Version":1,"AccessKeyId":"%s","SecretAccessKey":"%s"}' "$CI_KEY" "$CI_SECRET"\n`,
  );
  await chmod(processScript, 0o700);
  await ctx.write(
    "aws-credentials",
    `[ci]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`,
  );
  await ctx.write(
    "aws-config",
    `[profile process]\ncredential_process = ${processScript}\n\n[profile deploy]\nrole_arn = ${role("ecr-profile")}\nsource_profile = ci\nrole_session_name = ecr-vars-profile\n`,
  );
  file = await ctx.write("connectors.yml", connectorsYaml(ctx.dir));
  secrets = [
    secretAccessKey,
    oidc.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    gitlabToken,
    fileToken,
    ctx.emu.container?.authorizationToken ?? "none",
  ];
});

afterAll(async () => {
  await oidc?.close();
  await ctx?.close();
});

/** Runs the CLI with the connectors file and the references it uses, without AWS_* keys. */
function run(
  args: readonly string[],
  extra: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const { accessKeyId, secretAccessKey } = ctx.emu.defaultUser;
  return ctx.run(args, {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_EC2_METADATA_DISABLED: undefined,
    AWS_REGION: REGION,
    ECR_VARS_CONNECTORS: file,
    CI_KEY: accessKeyId,
    CI_SECRET: secretAccessKey,
    MFA_CODE: "123456",
    PUSH_EXTERNAL_ID: "ext-4711",
    BUILD_TAG: "build-42",
    GITLAB_OIDC_TOKEN: gitlabToken,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: ctx.emu.container?.fullUri,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: ctx.emu.container?.authorizationToken,
    ...oidc.env,
    ...extra,
  });
}

function clean(result: CliResult): CliResult {
  expectNoSecrets(result.stdout + result.stderr, secrets);
  expectNoSecrets(result.stdout + result.stderr, oidc.issued);
  expectNoStack(result.stderr);
  return result;
}

/** The last STS request of `action` the emulator saw. */
function lastSts(action: string) {
  const found = ctx.emu.requests.filter((r) => r.service === "sts" && r.action === action).at(-1);
  if (found === undefined) throw new Error(`the emulator saw no ${action}`);
  return found;
}

describe("connectors list", () => {
  it("shows ids, names, types and bases, and no secret", async () => {
    const result = clean(await run(["connectors", "list"]));
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+NAME\s+TYPE\s+BASED ON$/);
    expect(lines).toHaveLength(19);
    expect(result.stdout).toMatch(
      new RegExp(`^${id(4)}\\s+push\\s+assume-role\\s+${role("ecr-push")} via keys$`, "m"),
    );
    expect(result.stdout).toMatch(
      new RegExp(`^${id(7)}\\s+gh\\s+web-identity\\s+${role("ecr-github")} with GitHub OIDC$`, "m"),
    );
    expect(result.stdout).not.toContain("CI_SECRET");
  });

  it("lists as JSON with --json", async () => {
    const result = clean(await run(["connectors", "list", "--json"]));
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as {
      connectors: { id: string; name: string; type: string }[];
    };
    expect(parsed.connectors.map((c) => c.type)).toEqual(
      expect.arrayContaining([
        "access-keys",
        "session-token",
        "federated-user",
        "assume-role",
        "web-identity",
        "profile",
        "instance-role",
        "container-role",
      ]),
    );
  });

  it("reads the file named by --connectors over ECR_VARS_CONNECTORS", async () => {
    const other = await ctx.write(
      "other.json",
      JSON.stringify({ connectors: [{ id: id(99), name: "only", type: "instance-role" }] }),
    );
    const result = clean(await run(["connectors", "list", "--connectors", other]));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${id(99)}  only  instance-role  IMDSv2`);
  });

  it("finds the file in $XDG_CONFIG_HOME/ecr-vars/connectors.yml by default", async () => {
    await mkdir(join(ctx.dir, "xdg", "ecr-vars"), { recursive: true });
    await copyFile(file, join(ctx.dir, "xdg", "ecr-vars", "connectors.yml"));
    const result = clean(
      await run(["connectors", "list"], {
        ECR_VARS_CONNECTORS: undefined,
        XDG_CONFIG_HOME: join(ctx.dir, "xdg"),
      }),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("container-role");
  });
});

describe("connectors test: every type against the emulator", () => {
  it.each([
    ["keys", `arn:aws:iam::${ACCOUNT}:user/ecr-vars-user`, 'connector "keys" (access-keys)'],
    [
      "mfa",
      `arn:aws:iam::${ACCOUNT}:user/ecr-vars-user`,
      'connector "mfa" (session-token with MFA via connector "keys" (access-keys))',
    ],
    [
      "fed",
      `arn:aws:sts::${ACCOUNT}:federated-user/ci-fed`,
      'connector "fed" (federated-user ci-fed via connector "keys" (access-keys))',
    ],
    [
      "push",
      `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-push/ecr-vars-push`,
      `connector "push" (assume-role ${role("ecr-push")} via connector "keys" (access-keys))`,
    ],
    [
      "push-env",
      `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-env/ecr-vars-push-env`,
      `connector "push-env" (assume-role ${role("ecr-env")} via environment)`,
    ],
    [
      "push-instance",
      `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-instance/ecr-vars-push-instance`,
      `connector "push-instance" (assume-role ${role("ecr-instance")} via instance-role)`,
    ],
    [
      "chained",
      `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-chained/ecr-vars-chained`,
      `connector "chained" (assume-role ${role("ecr-chained")} via connector "push" (assume-role ${role("ecr-push")} via connector "keys" (access-keys)))`,
    ],
    [
      "gh",
      `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-github/ecr-vars-gh`,
      `connector "gh" (web-identity ${role("ecr-github")} with GitHub Actions OIDC (audience sts.amazonaws.com))`,
    ],
    [
      "gl",
      `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-gitlab/ecr-vars-gl`,
      `connector "gl" (web-identity ${role("ecr-gitlab")} with token in $GITLAB_OIDC_TOKEN)`,
    ],
    [
      "token-file",
      `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-irsa/ecr-vars-token-file`,
      `connector "token-file" (web-identity ${role("ecr-irsa")} with token file `,
    ],
    ["prof", `arn:aws:iam::${ACCOUNT}:user/ecr-vars-user`, 'connector "prof" (profile ci)'],
    [
      "prof-process",
      `arn:aws:iam::${ACCOUNT}:user/ecr-vars-user`,
      'connector "prof-process" (profile process)',
    ],
    [
      "prof-role",
      `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-profile/ecr-vars-profile`,
      'connector "prof-role" (profile deploy)',
    ],
    [
      "instance",
      `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-vars-agent/i-0123456789abcdef0`,
      'connector "instance" (instance-role via IMDSv2)',
    ],
    [
      "container",
      `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-vars-task/`,
      'connector "container" (container-role)',
    ],
  ])("%s", async (name, arn, source) => {
    const result = clean(await run(["connectors", "test", name]));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^connector "${name}" \\(.*\\) ${id(0).slice(0, 24)}\\d{12}: OK$`, "m"),
    );
    expect(result.stdout).toContain(`  credentials: ${source}`);
    expect(result.stdout).toContain(`  account:     ${ACCOUNT}\n`);
    expect(result.stdout).toContain(`  arn:         ${arn}`);
    expect(lastSts("GetCallerIdentity").identityArn).toContain(arn);
  });

  it("accepts the connector's id as well as its name", async () => {
    const result = clean(await run(["connectors", "test", id(1).toUpperCase()]));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('connector "keys" (access-keys)');
  });

  it("sends the assume-role settings: external id, tags, source identity, duration", async () => {
    clean(await run(["connectors", "test", "push"]));
    const params = lastSts("AssumeRole").params;
    expect(params).toMatchObject({
      RoleArn: role("ecr-push"),
      RoleSessionName: "ecr-vars-push",
      ExternalId: "ext-4711",
      SourceIdentity: "ci-robot",
      DurationSeconds: "1800",
      "Tags.member.1.Key": "team",
      "Tags.member.1.Value": "platform",
      "Tags.member.2.Key": "build",
      "Tags.member.2.Value": "build-42",
      "TransitiveTagKeys.member.1": "team",
    });
  });

  it("names the session after the CI build key when there is one", async () => {
    clean(
      await run(["connectors", "test", "push"], { bamboo_buildResultKey: "PROJ-PLAN-JOB1-42" }),
    );
    expect(lastSts("AssumeRole").params.RoleSessionName).toBe("ecr-vars-PROJ-PLAN-JOB1-42");
    clean(
      await run(["connectors", "test", "gh"], {
        GITHUB_REPOSITORY: "octo-org/app",
        GITHUB_RUN_ID: "123456",
        GITHUB_RUN_ATTEMPT: "2",
      }),
    );
    expect(lastSts("AssumeRoleWithWebIdentity").params.RoleSessionName).toBe(
      "ecr-vars-octo-org-app-123456-2",
    );
  });

  it("sends MFA serial and code with GetSessionToken, and the policy with GetFederationToken", async () => {
    clean(await run(["connectors", "test", "mfa"]));
    expect(lastSts("GetSessionToken").params).toMatchObject({
      SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/ci`,
      DurationSeconds: "3600",
    });
    clean(await run(["connectors", "test", "fed"]));
    const fed = lastSts("GetFederationToken").params;
    expect(fed.Name).toBe("ci-fed");
    expect(JSON.parse(String(fed.Policy))).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" }],
    });
  });

  it("asks GitHub for a token with the configured audience", async () => {
    const before = oidc.audiences.length;
    clean(await run(["connectors", "test", "gh"]));
    expect(oidc.audiences.slice(before)).toEqual(["sts.amazonaws.com"]);
  });

  it("reads the container authorization token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (EKS)", async () => {
    const tokenFile = await ctx.write("eks-token", ctx.emu.container?.authorizationToken ?? "");
    const result = clean(
      await run(["connectors", "test", "container"], {
        AWS_CONTAINER_AUTHORIZATION_TOKEN: undefined,
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
      }),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`arn:aws:sts::${ACCOUNT}:assumed-role/ecr-vars-task/`);
  });

  it("lets the main job fetch ECR credentials through a web-identity connector", async () => {
    const result = clean(await run(["--connector", "gh", "--region", REGION, "--format", "json"]));
    expect(result.code).toBe(0);
    expect(Object.keys(JSON.parse(result.stdout) as object)).toContain("custom.aws.ecr.password");
    expect(result.stderr).toContain(
      `credentials: connector "gh" (web-identity ${role("ecr-github")} with GitHub Actions OIDC (audience sts.amazonaws.com))`,
    );
  });
});

describe("connectors test: failures", () => {
  it("lists each link of a chain whose base connector lacks credentials (exit 3)", async () => {
    const result = clean(await run(["connectors", "test", "top"]));
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")).toEqual([
      `ecr-vars: error: no usable credentials for connector "top" (assume-role ${role("ecr-top")}): connector "no-keys" (access-keys) failed: secretAccessKey: \${env.MISSING_SECRET} is not defined (environment variable MISSING_SECRET is unset)`,
      `  link 1: connector "top" (assume-role ${role("ecr-top")}): not tried: its base connector "middle" (assume-role ${role("ecr-middle")}) gave no credentials`,
      `  link 2: connector "middle" (assume-role ${role("ecr-middle")}): not tried: its base connector "no-keys" (access-keys) gave no credentials`,
      `  link 3: connector "no-keys" (access-keys): failed: secretAccessKey: \${env.MISSING_SECRET} is not defined (environment variable MISSING_SECRET is unset)`,
      "  fix: set the environment variable MISSING_SECRET",
      "",
    ]);
  });

  it("says which link AWS refused (exit 4)", async () => {
    ctx.emu.failNext("AssumeRole", {
      status: 403,
      code: "AccessDenied",
      message: "not authorized to perform sts:AssumeRole",
    });
    const result = clean(await run(["connectors", "test", "push"]));
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(
      `ecr-vars: error: connector "push" (assume-role ${role("ecr-push")}): STS AssumeRole in ${REGION} failed for role ${role("ecr-push")} via connector "keys" (access-keys): AccessDenied`,
    );
  });

  it.each([
    [
      "gh",
      { ACTIONS_ID_TOKEN_REQUEST_URL: undefined },
      "ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set",
      "id-token: write",
    ],
    [
      "gh",
      { ACTIONS_ID_TOKEN_REQUEST_TOKEN: "wrong-request-token" },
      "answered HTTP 401",
      "id-token: write",
    ],
    [
      "gl",
      { GITLAB_OIDC_TOKEN: undefined },
      "the environment variable GITLAB_OIDC_TOKEN is unset",
      "id_tokens",
    ],
    [
      "container",
      { AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined },
      "AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_CREDENTIALS_RELATIVE_URI are unset",
      "task role",
    ],
    [
      "container",
      { AWS_CONTAINER_AUTHORIZATION_TOKEN: "wrong" },
      'connector "container" (container-role): no usable credentials',
      "configured",
    ],
    [
      "keys",
      { CI_SECRET: undefined },
      "secretAccessKey: ${env.CI_SECRET} is not defined",
      "CI_SECRET",
    ],
    [
      "mfa",
      { MFA_CODE: undefined },
      'connector "mfa" (session-token): mfaCode: ${env.MFA_CODE} is not defined',
      "MFA_CODE",
    ],
  ] as const)("%s with %o: exit 3", async (name, extra, message, fix) => {
    const result = clean(await run(["connectors", "test", name], extra));
    expect(result.code).toBe(3);
    expect(result.stderr.split("\n")[0]).toContain(message);
    expect(result.stderr).toContain(fix);
  });

  it("refuses an unknown connector and a missing subcommand (exit 2)", async () => {
    const unknown = clean(await run(["connectors", "test", "nope"]));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`no connector "nope" in ${file}`);
    const none = clean(await run(["connectors"]));
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("connectors needs a subcommand");
  });
});
