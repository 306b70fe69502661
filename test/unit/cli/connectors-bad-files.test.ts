/**
 * Bad connectors files, one case each (in-process, through `CliIo`): the CLI exits 2 and names
 * the file, the line, the
 * connector and the field, and never echoes a literal secret it refused.
 */
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, tempDir } from "../../support/cli.js";
import { runInProcess } from "../../support/in-process.js";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const LITERAL_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const ROLE = "arn:aws:iam::123456789012:role/ecr-push";

/** Lines 1-6: a valid access-keys connector "keys"; each case adds its connector(s) from line 7. */
const HEAD = `connectors:
  - id: ${id(1)}
    name: keys
    type: access-keys
    accessKeyId: \${env.CI_KEY}
    secretAccessKey: \${env.CI_SECRET}
`;

function connector(n: number, name: string, type: string, ...fields: string[]): string {
  return [
    `  - id: ${id(n)}`,
    `    name: ${name}`,
    `    type: ${type}`,
    ...fields.map((f) => `    ${f}`),
  ]
    .join("\n")
    .concat("\n");
}

interface Case {
  readonly name: string;
  readonly text: string;
  /** The problem line the CLI must print: `<line>: <field>: <message start>`. */
  readonly line: number | undefined;
  readonly field: string;
  readonly message: string;
  readonly json?: boolean;
}

const CASES: readonly Case[] = [
  {
    name: "literal secret access key",
    text:
      HEAD +
      connector(
        2,
        "literal",
        "access-keys",
        "accessKeyId: AKIAIOSFODNN7EXAMPLE",
        `secretAccessKey: ${LITERAL_SECRET}`,
      ),
    line: 11,
    field: 'connectors[1] ("literal").secretAccessKey',
    message: "holds a literal secret or an invalid reference; write ${env.NAME}",
  },
  {
    name: "literal session token",
    text:
      HEAD +
      connector(
        2,
        "literal-token",
        "access-keys",
        "accessKeyId: AKIAIOSFODNN7EXAMPLE",
        "secretAccessKey: ${env.S}",
        "sessionToken: FwoGZXIvYXdzEBYaDEXAMPLE",
      ),
    line: 12,
    field: 'connectors[1] ("literal-token").sessionToken',
    message: "holds a literal secret",
  },
  {
    name: "literal secret in a JSON file (no line numbers)",
    text: JSON.stringify({
      connectors: [
        {
          id: id(1),
          name: "json-keys",
          type: "access-keys",
          accessKeyId: "AKIAIOSFODNN7EXAMPLE",
          secretAccessKey: LITERAL_SECRET,
        },
      ],
    }),
    json: true,
    line: undefined,
    field: 'connectors[0] ("json-keys").secretAccessKey',
    message: "holds a literal secret",
  },
  {
    name: "MFA code written into the file",
    text:
      HEAD +
      connector(
        2,
        "mfa",
        "session-token",
        "base: keys",
        "mfaSerial: arn:aws:iam::123456789012:mfa/ci",
        'mfaCode: "123456"',
      ),
    line: 12,
    field: 'connectors[1] ("mfa").mfaCode',
    message: "must be a reference such as ${env.MFA_CODE}",
  },
  {
    name: "unknown key (typo)",
    text:
      HEAD +
      connector(2, "typo", "assume-role", "base: keys", `roleArn: ${ROLE}`, "sesionName: ci"),
    line: 12,
    field: 'connectors[1] ("typo").sesionName',
    message: 'unknown key "sesionName"',
  },
  {
    name: "missing role ARN",
    text: HEAD + connector(2, "no-role", "assume-role", "base: keys"),
    line: 7,
    field: 'connectors[1] ("no-role").roleArn',
    message: "is required",
  },
  {
    name: "role ARN that is not one",
    text: HEAD + connector(2, "bad-role", "assume-role", "roleArn: arn:aws:iam::123:user/ci"),
    line: 10,
    field: 'connectors[1] ("bad-role").roleArn',
    message: "must be an IAM role ARN",
  },
  {
    name: "id that is not a UUID",
    text: `${HEAD}  - id: build-agent-1\n    name: not-uuid\n    type: instance-role\n`,
    line: 7,
    field: 'connectors[1] ("not-uuid").id',
    message: "must be a UUID",
  },
  {
    name: "duplicate id",
    text: HEAD + connector(1, "twin", "instance-role"),
    line: 7,
    field: 'connectors[1] ("twin").id',
    message: "repeats the id of connectors[0]",
  },
  {
    name: "duplicate name",
    text: HEAD + connector(2, "keys", "instance-role"),
    line: 8,
    field: 'connectors[1] ("keys").name',
    message: "repeats the name of connectors[0]",
  },
  {
    name: "base that names no connector",
    text: HEAD + connector(2, "orphan", "assume-role", "base: nobody", `roleArn: ${ROLE}`),
    line: 10,
    field: 'connectors[1] ("orphan").base',
    message: 'names "nobody", which is no connector in this file',
  },
  {
    name: "connector based on itself",
    text: HEAD + connector(2, "self", "assume-role", "base: self", `roleArn: ${ROLE}`),
    line: 10,
    field: 'connectors[1] ("self").base',
    message: "forms a cycle: self -> self",
  },
  {
    name: "cycle of three",
    text:
      HEAD +
      connector(2, "a", "assume-role", "base: b", `roleArn: ${ROLE}`) +
      connector(3, "b", "assume-role", "base: c", `roleArn: ${ROLE}`) +
      connector(4, "c", "assume-role", `base: ${id(2)}`, `roleArn: ${ROLE}`),
    line: 10,
    field: 'connectors[1] ("a").base',
    message: "forms a cycle: a -> b -> c -> a",
  },
  {
    name: "unknown type",
    text: HEAD + connector(2, "magic", "magic-keys"),
    line: 9,
    field: 'connectors[1] ("magic").type',
    message: "is missing or not a known value",
  },
  {
    name: "web identity without a token source",
    text: HEAD + connector(2, "oidc", "web-identity", `roleArn: ${ROLE}`),
    line: 9,
    field: 'connectors[1] ("oidc").type',
    message: "names no source of the web identity token",
  },
  {
    name: "web identity with two token sources",
    text:
      HEAD +
      connector(
        2,
        "oidc2",
        "web-identity",
        `roleArn: ${ROLE}`,
        "tokenFile: /var/run/token",
        "tokenEnv: GITLAB_OIDC_TOKEN",
      ),
    line: 12,
    field: 'connectors[1] ("oidc2").tokenEnv',
    message: "names more than one token source (tokenFile, tokenEnv)",
  },
  {
    name: "GitHub settings with an unknown key",
    text:
      HEAD +
      connector(2, "gh", "web-identity", `roleArn: ${ROLE}`, "github: { aud: sts.amazonaws.com }"),
    line: 11,
    field: 'connectors[1] ("gh").github.aud',
    message: 'unknown key "aud"',
  },
  {
    name: "token variable that is no variable name",
    text: HEAD + connector(2, "gl", "web-identity", `roleArn: ${ROLE}`, "tokenEnv: 1-token"),
    line: 11,
    field: 'connectors[1] ("gl").tokenEnv',
    message: "must be an environment variable name",
  },
  {
    name: "session token based on temporary credentials",
    text:
      HEAD +
      connector(2, "push", "assume-role", "base: keys", `roleArn: ${ROLE}`) +
      connector(3, "mfa", "session-token", "base: push"),
    line: 15,
    field: 'connectors[2] ("mfa").base',
    message:
      'names "push" (assume-role), which gives temporary credentials; STS GetSessionToken needs',
  },
  {
    name: "federated user based on the instance role",
    text: HEAD + connector(2, "fed", "federated-user", "base: instance-role"),
    line: 10,
    field: 'connectors[1] ("fed").base',
    message:
      'names "instance-role", which gives temporary credentials; STS GetFederationToken needs',
  },
  {
    name: "federated name longer than 32 characters",
    text:
      HEAD +
      connector(2, "fed-long", "federated-user", "base: keys", `federatedName: ${"x".repeat(33)}`),
    line: 11,
    field: 'connectors[1] ("fed-long").federatedName',
    message: "must be 2-32 characters",
  },
  {
    name: "duration below the STS minimum",
    text: HEAD + connector(2, "short", "assume-role", `roleArn: ${ROLE}`, "maxDurationSeconds: 60"),
    line: 11,
    field: 'connectors[1] ("short").maxDurationSeconds',
    message: "must be at least 900 seconds",
  },
  {
    name: "session name with a space",
    text:
      HEAD + connector(2, "spaced", "assume-role", `roleArn: ${ROLE}`, 'sessionName: "ci build"'),
    line: 11,
    field: 'connectors[1] ("spaced").sessionName',
    message: "must be 2-64 characters of letters, digits and +=,.@_-",
  },
  {
    name: "connector name with a space",
    text: HEAD + connector(2, '"prod push"', "instance-role"),
    line: 8,
    field: 'connectors[1] ("prod push").name',
    message: "must be 1-64 characters of letters, digits",
  },
  {
    name: "profile without a profile name",
    text: HEAD + connector(2, "prof", "profile", "configFile: /etc/aws/config"),
    line: 7,
    field: 'connectors[1] ("prof").profile',
    message: "is required",
  },
];

let dir: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir?.cleanup();
});

describe("bad connectors files: exit 2, naming file, line, connector and field", () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))("%s", async (_name, c, i) => {
    const path = `${dir.path}/case-${i}.${c.json ? "json" : "yml"}`;
    await writeFile(path, c.text);
    const result = await runInProcess(["connectors", "list", "--connectors", path], cleanEnv());
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe("");
    const where = c.line === undefined ? `${path}: ` : `${path}:${c.line}: `;
    const lines = result.stderr.split("\n");
    expect(lines[0]).toMatch(/^ecr-vars: error: invalid configuration/);
    expect(lines, result.stderr).toContainEqual(
      expect.stringContaining(`  ${where}${c.field}: ${c.message}`),
    );
    expect(result.stderr).not.toContain(LITERAL_SECRET);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("has at least 15 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
  });
});
