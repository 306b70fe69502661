/**
 * The built CLI against moto (an independent AWS emulator, `moto_server`): ECR GetAuthorizationToken
 * and STS AssumeRole as another implementation serves them, compared with what awscli reads from
 * the same server.
 *
 * What moto 5.2 returns (checked by hand): the token is base64("AWS:<account>-auth-token"), the
 * proxy endpoint https://<account>.dkr.ecr.<region>.amazonaws.com, and expiresAt is always
 * 2015-01-01T00:00:00Z. Keys are not checked, but moto remembers the keys AssumeRole hands out and
 * answers ECR in the role's account for them, so the registry account shows whose keys were used.
 *
 * A machine without moto_server fails here: it is part of the test bed (see .ci/run).
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, cleanEnv, runCli, tempDir } from "../support/cli.js";
import { type Moto, startMoto } from "../support/moto.js";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012"; // moto's default account
const OTHER_ACCOUNT = "210987654321";
const MOTO_EXPIRY = "2015-01-01T00:00:00Z";
const KEYS = {
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const SUFFIXES = [
  "authorizationToken.password",
  "expirationDate",
  "proxyEndpoint",
  "proxyEndpointDomain",
  "username",
  "password",
  "credentials.json.password",
] as const;

interface AuthorizationData {
  readonly authorizationToken: string;
  readonly proxyEndpoint: string;
  /** awscli v1 prints epoch seconds, v2 an ISO string. */
  readonly expiresAt: number | string;
}

let moto: Moto;
let dir: { path: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  moto = await startMoto();
  dir = await tempDir();
});

afterAll(async () => {
  await moto?.stop();
  await dir?.cleanup();
});

function env(extra: Record<string, string | undefined> = {}): Record<string, string> {
  return cleanEnv({ AWS_ENDPOINT_URL: moto.url, ...extra });
}

function run(args: readonly string[], extra: Record<string, string | undefined> = KEYS) {
  // moto's tokens expired in 2015: --force writes them all the same.
  return runCli(["--region", REGION, "--force", ...args], env(extra));
}

function execText(command: string, args: readonly string[], environment: Record<string, string>) {
  return new Promise<CliResult>((resolve) => {
    execFile(command, [...args], { env: environment, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** moto's answer, read by awscli (on PATH) straight from the server. */
async function awsAuthorizationData(
  registryIds: readonly string[] = [],
  extra: Record<string, string> = KEYS,
): Promise<AuthorizationData[]> {
  const ids = registryIds.length > 0 ? ["--registry-ids", ...registryIds] : [];
  const result = await execText(
    "aws",
    [
      "ecr",
      "get-authorization-token",
      ...ids,
      "--endpoint-url",
      moto.url,
      "--region",
      REGION,
      "--output",
      "json",
    ],
    cleanEnv({ ...extra, AWS_PAGER: "", LANG: "C.UTF-8" }),
  );
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { authorizationData: AuthorizationData[] })
    .authorizationData;
}

function isoSeconds(expiresAt: number | string): string {
  const ms = typeof expiresAt === "number" ? expiresAt * 1000 : Date.parse(expiresAt);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The seven variables the CLI must derive from one authorizationData entry. */
function expectedVariables(prefix: string, data: AuthorizationData): Record<string, string> {
  const decoded = Buffer.from(data.authorizationToken, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const values = {
    authorizationToken: data.authorizationToken,
    expirationDate: isoSeconds(data.expiresAt),
    proxyEndpoint: data.proxyEndpoint,
    proxyEndpointDomain: data.proxyEndpoint.replace(/^https:\/\//, ""),
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
  };
  return {
    [`${prefix}.authorizationToken.password`]: values.authorizationToken,
    [`${prefix}.expirationDate`]: values.expirationDate,
    [`${prefix}.proxyEndpoint`]: values.proxyEndpoint,
    [`${prefix}.proxyEndpointDomain`]: values.proxyEndpointDomain,
    [`${prefix}.username`]: values.username,
    [`${prefix}.password`]: values.password,
    [`${prefix}.credentials.json.password`]: JSON.stringify(values),
  };
}

/** moto's fixed answer for the default registry of `account`, spelled out. */
function motoVariables(account: string, prefix = "custom.aws.ecr"): Record<string, string> {
  const token = Buffer.from(`AWS:${account}-auth-token`).toString("base64");
  return expectedVariables(prefix, {
    authorizationToken: token,
    proxyEndpoint: `https://${account}.dkr.ecr.${REGION}.amazonaws.com`,
    expiresAt: Date.parse(MOTO_EXPIRY) / 1000,
  });
}

function parseJson(result: CliResult): Record<string, string> {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, string>;
}

/** The summary on stderr names the variables but shows no secret value. */
function expectNoSecretsIn(stderr: string, variables: Record<string, string>) {
  for (const [name, value] of Object.entries(variables)) {
    if (/password/i.test(name)) expect(stderr).not.toContain(value);
  }
}

describe("moto_server", () => {
  it("answers as checked by hand (base64 'AWS:<account>-auth-token', fixed 2015 expiry)", async () => {
    const [data] = await awsAuthorizationData();
    expect(data).toEqual({
      authorizationToken: "QVdTOjEyMzQ1Njc4OTAxMi1hdXRoLXRva2Vu",
      proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`,
      expiresAt: typeof data?.expiresAt === "number" ? 1_420_070_400 : expect.any(String),
    });
    expect(isoSeconds(data?.expiresAt ?? 0)).toBe(MOTO_EXPIRY);
  });
});

describe("ecr-vars against moto", () => {
  it("default registry, --format json: the seven variables match moto's answer", async () => {
    const result = await run(["--format", "json"]);
    const variables = parseJson(result);
    const [data] = await awsAuthorizationData();
    if (data === undefined) throw new Error("moto returned no authorizationData");

    const expected = expectedVariables("custom.aws.ecr", data);
    expect(Object.keys(variables)).toEqual(SUFFIXES.map((s) => `custom.aws.ecr.${s}`));
    expect(variables).toEqual(expected);
    expect(variables).toEqual(motoVariables(ACCOUNT));
    expect(variables["custom.aws.ecr.username"]).toBe("AWS");
    expect(variables["custom.aws.ecr.password"]).toBe(`${ACCOUNT}-auth-token`);
    expect(variables["custom.aws.ecr.expirationDate"]).toBe(MOTO_EXPIRY);
    expect(JSON.parse(variables["custom.aws.ecr.credentials.json.password"] ?? "")).toEqual({
      authorizationToken: data.authorizationToken,
      expirationDate: MOTO_EXPIRY,
      proxyEndpoint: data.proxyEndpoint,
      proxyEndpointDomain: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`,
      username: "AWS",
      password: `${ACCOUNT}-auth-token`,
    });
    expect(result.stderr).toContain(`registry ${ACCOUNT} in ${REGION}`);
    expectNoSecretsIn(result.stderr, variables);
  });

  it("--registry-id twice: one set per registry, the first also unqualified", async () => {
    const ids = ["111111111111", "222222222222"];
    const result = await run([
      "--format",
      "json",
      "--registry-id",
      ids[0] ?? "",
      "--registry-id",
      ids[1] ?? "",
    ]);
    // With several registries the JSON also lists them, beside the variables.
    const { registries, ...variables } = parseJson(result) as Record<string, unknown>;
    const data = await awsAuthorizationData(ids);
    expect(data.map((d) => d.proxyEndpoint)).toEqual(
      ids.map((id) => `https://${id}.dkr.ecr.${REGION}.amazonaws.com`),
    );
    const [first, second] = data;
    if (first === undefined || second === undefined) throw new Error("moto returned too few");

    const expected = {
      ...expectedVariables("custom.aws.ecr", first),
      ...expectedVariables(`custom.aws.ecr.${ids[0]}.eu_west_1`, first),
      ...expectedVariables(`custom.aws.ecr.${ids[1]}.eu_west_1`, second),
    };
    expect(Object.keys(variables)).toEqual(Object.keys(expected));
    expect(variables).toEqual(expected);
    expect(variables).toEqual({
      ...motoVariables(ids[0] ?? ""),
      ...motoVariables(ids[0] ?? "", `custom.aws.ecr.${ids[0]}.eu_west_1`),
      ...motoVariables(ids[1] ?? "", `custom.aws.ecr.${ids[1]}.eu_west_1`),
    });
    expect(registries).toEqual(
      ids.map((id) => ({
        registry: `${id}.dkr.ecr.${REGION}.amazonaws.com`,
        variablePrefix: `custom.aws.ecr.${id}.eu_west_1`,
        kind: "private",
        accountId: id,
        region: REGION,
        partition: "aws",
        endpoint: "standard",
        proxyEndpoint: `https://${id}.dkr.ecr.${REGION}.amazonaws.com`,
        expirationDate: "2015-01-01T00:00:00Z",
      })),
    );
    expectNoSecretsIn(result.stderr, variables as Record<string, string>);
  });

  it("--role-arn in the caller's account: AssumeRole through moto's STS, then ECR", async () => {
    const result = await run(["--format", "json", "--role-arn", `arn:aws:iam::${ACCOUNT}:role/x`]);
    const variables = parseJson(result);
    expect(variables).toEqual(motoVariables(ACCOUNT));
    expect(result.stderr).toContain(`role arn:aws:iam::${ACCOUNT}:role/x`);
    expectNoSecretsIn(result.stderr, variables);
  });

  it("--role-arn in another account: ECR is called with the role's keys", async () => {
    const role = `arn:aws:iam::${OTHER_ACCOUNT}:role/x`;
    const result = await run(["--format", "json", "--role-arn", role]);
    // moto answers the default registry of whoever signed: the role's account, not the caller's.
    expect(parseJson(result)).toEqual(motoVariables(OTHER_ACCOUNT));
    expect(result.stderr).toContain(`role ${role}`);
  });

  describe.each([
    ["YAML", "connectors.yml"],
    ["JSON", "connectors.json"],
  ])("connectors file (%s): assume-role based on access-keys", (format, file) => {
    const baseId = "0b7e8f52-5a0e-4c4e-9d1a-2f3c4d5e6f70";
    const roleId = "7d2c1b0a-9e8f-4a6b-8c5d-4e3f2a1b0c9d";
    const connectors = {
      connectors: [
        {
          id: baseId,
          name: "ci-user",
          type: "access-keys",
          accessKeyId: "${env.CI_AWS_ACCESS_KEY_ID}",
          secretAccessKey: "${env.CI_AWS_SECRET_ACCESS_KEY}",
        },
        {
          id: roleId,
          name: "prod-push",
          type: "assume-role",
          base: "ci-user",
          roleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/ecr-push`,
          sessionName: "bamboo-build",
          maxDurationSeconds: 900,
        },
      ],
    };
    const yaml = [
      "connectors:",
      ...connectors.connectors.flatMap((connector) =>
        Object.entries(connector).map(
          ([key, value], index) => `  ${index === 0 ? "-" : " "} ${key}: ${String(value)}`,
        ),
      ),
      "",
    ].join("\n");
    // Only the connector's keys: nothing for the default credential chain to find.
    const connectorEnv = {
      CI_AWS_ACCESS_KEY_ID: "AKIAI44QH8DHBEXAMPLE",
      CI_AWS_SECRET_ACCESS_KEY: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    };
    let path: string;

    beforeAll(async () => {
      path = join(dir.path, file);
      await writeFile(path, format === "YAML" ? yaml : JSON.stringify(connectors, null, 2));
    });

    it.each([
      ["name", "prod-push"],
      ["id", roleId],
    ])("by %s: the role's registry", async (_by, connector) => {
      const result = await run(
        ["--format", "json", "--connectors", path, "--connector", connector],
        connectorEnv,
      );
      const variables = parseJson(result);
      expect(variables).toEqual(motoVariables(OTHER_ACCOUNT));
      expect(result.stderr).toContain('connector "prod-push"');
      expectNoSecretsIn(result.stderr, variables);
      expect(result.stderr).not.toContain(connectorEnv.CI_AWS_SECRET_ACCESS_KEY);
    });

    it("ECR_VARS_CONNECTORS names the file; the base connector alone gives the caller's registry", async () => {
      const result = await run(["--format", "json", "--connector", "ci-user"], {
        ...connectorEnv,
        ECR_VARS_CONNECTORS: path,
      });
      expect(parseJson(result)).toEqual(motoVariables(ACCOUNT));
    });
  });

  it("--format sh: eval in bash sets the same values as --format json", async () => {
    const [json, sh] = await Promise.all([run(["--format", "json"]), run(["--format", "sh"])]);
    const variables = parseJson(json);
    expect(sh.code, sh.stderr).toBe(0);
    const names = Object.keys(variables).map((name) => name.replaceAll(".", "_").toUpperCase());
    // eval the output as a user would; a child shell prints each variable, so each must be exported.
    const shell = await execText(
      "bash",
      [
        "-c",
        'set -euo pipefail; eval "$1"; shift; for n in "$@"; do bash -uc \'printf "%s\\0" "${!1}"\' _ "$n"; done',
        "bash",
        sh.stdout,
        ...names,
      ],
      cleanEnv(),
    );
    expect(shell.stderr).toBe("");
    expect(shell.code).toBe(0);
    expect(shell.stdout.split("\0").slice(0, -1)).toEqual(Object.values(variables));
    expect(Object.values(variables)).toEqual(Object.values(motoVariables(ACCOUNT)));
  });
});
