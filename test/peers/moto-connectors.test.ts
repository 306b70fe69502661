/**
 * `ecr-vars connectors test` against moto (`moto_server`), an independent implementation of STS:
 * the STS connector types it serves (access keys, GetSessionToken, GetFederationToken, AssumeRole,
 * AssumeRoleWithWebIdentity, and a chain of roles) resolve through the real SDK and GetCallerIdentity
 * answers for the credentials they produced.
 *
 * What moto 5.2 does (checked by hand): keys are not verified; GetCallerIdentity knows the keys
 * AssumeRole and AssumeRoleWithWebIdentity handed out (assumed-role ARN in the role's account)
 * but answers with its default user `arn:aws:sts::123456789012:user/moto` for any other keys,
 * including those of GetSessionToken and GetFederationToken.
 *
 * A machine without moto_server fails here: it is part of the test bed.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, runCli, tempDir } from "../support/cli.js";
import { makeJwt } from "../support/emulator.js";
import { type Moto, startMoto } from "../support/moto.js";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "210987654321";
const KEYS = {
  CI_KEY: "AKIAIOSFODNN7EXAMPLE",
  CI_SECRET: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const MOTO_USER = `arn:aws:sts::${ACCOUNT}:user/moto`;

let moto: Moto;
let dir: { path: string; cleanup: () => Promise<void> };
let file: string;
let token: string;

beforeAll(async () => {
  moto = await startMoto();
  dir = await tempDir();
  token = makeJwt({
    iss: "https://token.actions.githubusercontent.com",
    sub: "repo:octo-org/app:ref:refs/heads/main",
    aud: "sts.amazonaws.com",
    exp: Math.floor(Date.now() / 1000) + 600,
  });
  await writeFile(join(dir.path, "token.jwt"), token);
  file = join(dir.path, "connectors.yml");
  await writeFile(
    file,
    `connectors:
  - { id: ${id(1)}, name: keys, type: access-keys, accessKeyId: "\${env.CI_KEY}", secretAccessKey: "\${env.CI_SECRET}" }
  - id: ${id(2)}
    name: mfa
    type: session-token
    base: keys
    mfaSerial: arn:aws:iam::${ACCOUNT}:mfa/ci
    mfaCode: \${env.MFA_CODE}
  - id: ${id(3)}
    name: fed
    type: federated-user
    base: keys
    federatedName: ci-fed
    policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}'
  - id: ${id(4)}
    name: push
    type: assume-role
    base: keys
    roleArn: arn:aws:iam::${ACCOUNT}:role/ecr-push
    externalId: ext-4711
    tags: { team: platform }
    sourceIdentity: ci-robot
  - id: ${id(5)}
    name: cross
    type: assume-role
    base: push
    roleArn: arn:aws:iam::${OTHER_ACCOUNT}:role/ecr-pull
    sessionName: cross-account
  - id: ${id(6)}
    name: oidc
    type: web-identity
    roleArn: arn:aws:iam::${ACCOUNT}:role/ecr-oidc
    tokenFile: ${join(dir.path, "token.jwt")}
  - id: ${id(7)}
    name: broken
    type: assume-role
    base: keys
    roleArn: arn:aws:iam::${ACCOUNT}:role/ecr-push
    externalId: \${env.MISSING_EXTERNAL_ID}
`,
  );
});

afterAll(async () => {
  await moto?.stop();
  await dir?.cleanup();
});

function test(name: string, extra: Record<string, string> = {}) {
  return runCli(
    ["connectors", "test", name, "--connectors", file, "--region", REGION],
    cleanEnv({ AWS_ENDPOINT_URL: moto.url, ...KEYS, MFA_CODE: "123456", ...extra }),
  );
}

describe("connectors test against moto_server", () => {
  it.each([
    ["keys", ACCOUNT, MOTO_USER, 'connector "keys" (access-keys)', false],
    [
      "mfa",
      ACCOUNT,
      MOTO_USER,
      'connector "mfa" (session-token with MFA via connector "keys" (access-keys))',
      true,
    ],
    [
      "fed",
      ACCOUNT,
      MOTO_USER,
      'connector "fed" (federated-user ci-fed via connector "keys" (access-keys))',
      true,
    ],
    [
      "push",
      ACCOUNT,
      `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-push/ecr-vars-push`,
      `connector "push" (assume-role arn:aws:iam::${ACCOUNT}:role/ecr-push via connector "keys" (access-keys))`,
      true,
    ],
    [
      "cross",
      OTHER_ACCOUNT,
      `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/ecr-pull/cross-account`,
      `connector "cross" (assume-role arn:aws:iam::${OTHER_ACCOUNT}:role/ecr-pull via connector "push" (assume-role`,
      true,
    ],
    [
      "oidc",
      ACCOUNT,
      `arn:aws:sts::${ACCOUNT}:assumed-role/ecr-oidc/ecr-vars-oidc`,
      `connector "oidc" (web-identity arn:aws:iam::${ACCOUNT}:role/ecr-oidc with token file `,
      true,
    ],
  ] as const)("%s", async (name, account, arn, source, temporary) => {
    const result = await test(name);
    expect(result.stderr, moto.log()).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`  credentials: ${source}`);
    expect(result.stdout).toContain(`  account:     ${account}\n`);
    expect(result.stdout).toContain(`  arn:         ${arn}\n`);
    // Temporary credentials carry the expiry STS gave them; static keys have none.
    expect(/^ {2}expires: {5}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m.test(result.stdout)).toBe(
      temporary,
    );
    for (const secret of [KEYS.CI_SECRET, token]) expect(result.stdout).not.toContain(secret);
  });

  it("names the connector and the variable when a reference is unset (exit 3)", async () => {
    const result = await test("broken");
    expect(result.code).toBe(3);
    expect(result.stderr.split("\n")[0]).toBe(
      `ecr-vars: error: connector "broken" (assume-role arn:aws:iam::${ACCOUNT}:role/ecr-push): externalId: \${env.MISSING_EXTERNAL_ID} is not defined (environment variable MISSING_EXTERNAL_ID is unset)`,
    );
  });
});
