/** Pure parts of connectors: the file's schema and cross-checks, session names, chain errors. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, test } from "vitest";
import { EcrVarsError } from "../../src/core/errors.js";
import { baseFailed, linkFailed } from "../../src/credentials/chain.js";
import { policyText } from "../../src/credentials/connector-schema.js";
import { connectorType } from "../../src/credentials/connector-types.js";
import { findConnector, parseConnectors } from "../../src/credentials/connectors-file.js";
import { resolveReference } from "../../src/credentials/references.js";
import { defaultSessionName, toSessionName } from "../../src/credentials/session-name.js";
import { chainLink } from "../../src/credentials/sources.js";
import { thrownBy } from "../support/thrown.js";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const ROLE = "arn:aws:iam::123456789012:role/ecr-push";

function parse(connectors: unknown[]) {
  return parseConnectors({ path: "c.json", value: { connectors }, lineOf: () => undefined });
}

/** Parses, failing with the problems listed (a bare "invalid configuration" would hide them). */
function parseOrShow(connectors: unknown[]) {
  try {
    return parse(connectors);
  } catch (error) {
    if (error instanceof EcrVarsError) throw new Error(JSON.stringify(error.problems, null, 2));
    throw error;
  }
}

function problems(connectors: unknown[]): string[] {
  const error = thrownBy(EcrVarsError, () => parse(connectors), "expected the file to be refused");
  return error.problems.map((p) => `${p.field}: ${p.message}`);
}

const keys = {
  id: id(1),
  name: "keys",
  type: "access-keys",
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "${env.S}",
};

describe("connectors file", () => {
  it("accepts every type with all of its settings", () => {
    const file = parseOrShow([
      {
        ...keys,
        sessionToken: "${file:/run/secrets/token}",
        description: "CI user",
        maxDurationSeconds: 3600,
      },
      {
        id: id(2),
        name: "mfa",
        type: "session-token",
        base: "environment",
        mfaSerial: "arn:aws:iam::123456789012:mfa/ci",
        mfaCode: "${bamboo.mfaCode}",
        maxDurationSeconds: 129_600,
      },
      {
        id: id(3),
        name: "fed",
        type: "federated-user",
        base: "environment",
        federatedName: "ci-fed",
        policy: { Version: "2012-10-17", Statement: [] },
      },
      {
        id: id(4),
        name: "push",
        type: "assume-role",
        base: "instance-role",
        roleArn: ROLE,
        externalId: "${env.X}",
        sessionName: "ci",
        policy: "{}",
        tags: { team: "a" },
        transitiveTagKeys: ["team"],
        sourceIdentity: "me",
      },
      { id: id(5), name: "gh", type: "web-identity", roleArn: ROLE, github: {} },
      { id: id(6), name: "gl", type: "web-identity", roleArn: ROLE, tokenEnv: "GITLAB_OIDC_TOKEN" },
      { id: id(7), name: "file", type: "web-identity", roleArn: ROLE, tokenFile: "/var/run/token" },
      {
        id: id(8),
        name: "prof",
        type: "profile",
        profile: "dev",
        configFile: "/c",
        credentialsFile: "/k",
      },
      { id: id(9), name: "imds", type: "instance-role" },
      { id: id(10), name: "ecs", type: "container-role" },
    ]);
    expect(file.connectors.map((c) => c.type)).toEqual([
      "access-keys",
      "session-token",
      "federated-user",
      "assume-role",
      "web-identity",
      "web-identity",
      "web-identity",
      "profile",
      "instance-role",
      "container-role",
    ]);
  });

  it("finds connectors by id in any case, or by name", () => {
    const { connectors } = parse([keys]);
    expect(findConnector(connectors, id(1).toUpperCase())?.name).toBe("keys");
    expect(findConnector(connectors, "keys")?.id).toBe(id(1));
    expect(findConnector(connectors, "KEYS")).toBeUndefined();
  });

  it.each([
    [
      "a literal secret key",
      [{ ...keys, secretAccessKey: "abc/def" }],
      'connectors[0] ("keys").secretAccessKey: holds a literal secret',
    ],
    [
      "a secret reference of an unknown kind",
      [{ ...keys, secretAccessKey: "${vault.x}" }],
      'connectors[0] ("keys").secretAccessKey: holds a literal secret',
    ],
    [
      "a long-lived duration on a role",
      [{ id: id(2), name: "r", type: "assume-role", roleArn: ROLE, maxDurationSeconds: 50_000 }],
      'connectors[0] ("r").maxDurationSeconds: must be at most 43200 seconds',
    ],
    [
      "a fractional duration",
      [{ id: id(2), name: "r", type: "session-token", maxDurationSeconds: 1000.5 }],
      'connectors[0] ("r").maxDurationSeconds: must be a whole number of seconds',
    ],
    [
      "a session token on long-term keys with a session token",
      [
        { ...keys, sessionToken: "${env.T}" },
        { id: id(2), name: "m", type: "session-token", base: "keys" },
      ],
      'connectors[1] ("m").base: names "keys" (access-keys), which gives temporary credentials',
    ],
    [
      "a cycle of two",
      [
        { id: id(2), name: "a", type: "assume-role", base: "b", roleArn: ROLE },
        { id: id(3), name: "b", type: "assume-role", base: id(2), roleArn: ROLE },
      ],
      'connectors[0] ("a").base: forms a cycle: a -> b -> a',
    ],
    [
      "a tag value over 256 characters",
      [{ id: id(2), name: "t", type: "assume-role", roleArn: ROLE, tags: { k: "v".repeat(257) } }],
      'connectors[0] ("t").tags.k: tag values are at most 256 characters',
    ],
  ])("refuses %s", (_name, connectors, expected) => {
    expect(problems(connectors)).toContainEqual(expect.stringContaining(`c.json: ${expected}`));
  });

  it("reports a cycle once, however many connectors it has", () => {
    const ring = ["a", "b", "c", "d"].map((name, i, all) => ({
      id: id(i + 2),
      name,
      type: "assume-role",
      base: all[(i + 1) % all.length],
      roleArn: ROLE,
    }));
    expect(problems(ring).filter((p) => p.includes("forms a cycle"))).toEqual([
      'c.json: connectors[0] ("a").base: forms a cycle: a -> b -> c -> d -> a',
    ]);
  });

  const role = (n: number, name: string, base: string) => ({
    id: id(n),
    name,
    type: "assume-role",
    base,
    roleArn: ROLE,
  });

  it("reports every cycle once, lowest first, and not the chains that run into one", () => {
    const file = [
      role(2, "tail", "x"), // runs into the cycle x -> y -> x, is no part of it
      role(3, "y", "x"),
      role(4, "x", "y"),
      role(5, "self", "self"),
      role(6, "q", "p"),
      role(7, "p", "r"),
      role(8, "r", "q"),
      role(9, "ok", "keys"),
      keys,
    ];
    expect(problems(file).filter((p) => p.includes("forms a cycle"))).toEqual([
      'c.json: connectors[1] ("y").base: forms a cycle: y -> x -> y',
      'c.json: connectors[3] ("self").base: forms a cycle: self -> self',
      'c.json: connectors[4] ("q").base: forms a cycle: q -> p -> r -> q',
    ]);
  });

  // Cycle detection once walked every chain from every link (cubic: a 1,500-link chain took
  // over 20 seconds); it is linear now, well within the test's time limit.
  it("checks a chain of 1,500 bases, and a cycle of 1,500, at once", () => {
    const links = 1500;
    const chain = Array.from({ length: links }, (_, i) =>
      role(i + 2, `link-${i}`, i === links - 1 ? "keys" : `link-${i + 1}`),
    );
    expect(parseOrShow([...chain, keys]).connectors).toHaveLength(links + 1);
    const ring = Array.from({ length: links }, (_, i) =>
      role(i + 2, `link-${i}`, `link-${(i + 1) % links}`),
    );
    const cycles = problems(ring).filter((p) => p.includes("forms a cycle"));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatch(
      /^c\.json: connectors\[0\] \("link-0"\)\.base: forms a cycle: link-0 -> link-1 -> .* -> link-1499 -> link-0$/,
    );
  });

  it("writes a policy given as structure as JSON text", () => {
    expect(policyText({ Version: "2012-10-17" })).toBe('{"Version":"2012-10-17"}');
    expect(policyText('{"a":1}')).toBe('{"a":1}');
    expect(policyText(undefined)).toBeUndefined();
  });
});

describe("the files a connector type reads", () => {
  const env = { HOME: "/home/u", AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/var/run/token" };
  test.each<[string, Record<string, unknown>, string[]]>([
    ["access-keys: none besides its references", keys, []],
    [
      "profile: the shared files by default",
      { id: id(2), name: "p", type: "profile", profile: "ci" },
      ["/home/u/.aws/config", "/home/u/.aws/credentials"],
    ],
    [
      "profile: the files it names",
      {
        id: id(2),
        name: "p",
        type: "profile",
        profile: "ci",
        configFile: "/c",
        credentialsFile: "/k",
      },
      ["/c", "/k"],
    ],
    [
      "web-identity: its token file",
      { id: id(3), name: "w", type: "web-identity", roleArn: ROLE, tokenFile: "/t" },
      ["/t"],
    ],
    [
      "web-identity: none for a token in a variable",
      { id: id(3), name: "w", type: "web-identity", roleArn: ROLE, tokenEnv: "T" },
      [],
    ],
    [
      "container-role: the token file the runtime names",
      { id: id(4), name: "c", type: "container-role" },
      ["/var/run/token"],
    ],
    ["instance-role: none", { id: id(5), name: "i", type: "instance-role" }, []],
  ])("%s", (_, entry, files) => {
    const [connector] = parseOrShow([entry]).connectors;
    if (connector === undefined) throw new Error("no connector");
    expect(connectorType(connector).files(connector, env)).toEqual(files);
  });
});

describe("session names", () => {
  it.each([
    ["Bamboo", { bamboo_buildResultKey: "PROJ-PLAN-JOB1-42" }, "ecr-vars-PROJ-PLAN-JOB1-42"],
    [
      "GitHub",
      { GITHUB_REPOSITORY: "octo/app", GITHUB_RUN_ID: "99", GITHUB_RUN_ATTEMPT: "3" },
      "ecr-vars-octo-app-99-3",
    ],
    [
      "GitLab",
      { CI_PROJECT_PATH: "group/sub/app", CI_JOB_ID: "1234" },
      "ecr-vars-group-sub-app-1234",
    ],
    [
      "Azure",
      { SYSTEM_TEAMPROJECT: "Fabrikam Web", BUILD_BUILDID: "77" },
      "ecr-vars-Fabrikam-Web-77",
    ],
    ["no CI, with the connector's name", {}, "ecr-vars-prod-push"],
  ])("%s", (_name, env, expected) => {
    expect(defaultSessionName(env, "prod-push")).toBe(expected);
  });

  it("keeps the end of a long build key and stays within the limit", () => {
    const name = defaultSessionName({
      bamboo_buildResultKey: `${"VERYLONGPROJECT".repeat(6)}-JOB1-12345`,
    });
    expect(name).toHaveLength(64);
    expect(name.startsWith("ecr-vars-")).toBe(true);
    expect(name.endsWith("-JOB1-12345")).toBe(true);
    expect(
      defaultSessionName({ bamboo_buildResultKey: "X".repeat(40) }, undefined, 32),
    ).toHaveLength(32);
  });

  it("replaces characters STS refuses and never returns fewer than 2 characters", () => {
    expect(toSessionName("a b/c:d#e")).toBe("a-b-c-d-e");
    expect(toSessionName("x")).toBe("ecr-vars");
    expect(toSessionName("user@example.com+ci=1,2")).toBe("user@example.com+ci=1,2");
  });
});

describe("chain errors", () => {
  const root = new EcrVarsError({
    kind: "credentials",
    code: "SECRET_REFERENCE_UNRESOLVED",
    message: "secretAccessKey: ${env.S} is not defined",
    hint: "set S",
  });

  it("keeps a single link's message as it was, without a link list", () => {
    const error = linkFailed('connector "keys" (access-keys)', root);
    expect(error.message).toBe(
      'connector "keys" (access-keys): secretAccessKey: ${env.S} is not defined',
    );
    expect(error.problems).toEqual([]);
    expect(error.exitCode).toBe(3);
    expect(error.hint).toBe("set S");
  });

  it("lists every link from the requested connector down to the failing one", () => {
    const inner = baseFailed(
      'connector "mid" (assume-role R2)',
      'connector "keys" (access-keys)',
      linkFailed('connector "keys" (access-keys)', root),
    );
    const outer = baseFailed(
      'connector "top" (assume-role R1)',
      'connector "mid" (assume-role R2)',
      inner,
    );
    expect(outer.message).toBe(
      'no usable credentials for connector "top" (assume-role R1): connector "keys" (access-keys) failed: secretAccessKey: ${env.S} is not defined',
    );
    expect(outer.problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'link 1: connector "top" (assume-role R1): not tried: its base connector "mid" (assume-role R2) gave no credentials',
      'link 2: connector "mid" (assume-role R2): not tried: its base connector "keys" (access-keys) gave no credentials',
      'link 3: connector "keys" (access-keys): failed: secretAccessKey: ${env.S} is not defined',
    ]);
    expect(outer.code).toBe("SECRET_REFERENCE_UNRESOLVED");
  });

  it("keeps the exit code of an AWS refusal at the root", () => {
    const refused = new EcrVarsError({
      kind: "aws",
      code: "AWS_REFUSED",
      message: "STS AssumeRole failed: AccessDenied",
    });
    expect(baseFailed("top", "environment", refused).exitCode).toBe(4);
  });
});

describe("references", () => {
  it("resolves ${env.X}, ${bamboo.x.y} and ${file:PATH}, and names the field when it cannot", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ecr-vars-ref-"));
    try {
      await writeFile(join(dir, "secret"), "from-file\n");
      const env = { X: "from-env", bamboo_x_y: "from-bamboo" };
      expect(await resolveReference("${env.X}", "f", env)).toBe("from-env");
      expect(await resolveReference("${bamboo.x.y}", "f", env)).toBe("from-bamboo");
      expect(await resolveReference(`\${file:${join(dir, "secret")}}`, "f", env)).toBe("from-file");
      expect(await resolveReference("plain", "f", env)).toBe("plain");
      await expect(resolveReference("${env.NOPE}", "externalId", env)).rejects.toThrow(
        "externalId: ${env.NOPE} is not defined",
      );
      await expect(
        resolveReference(`\${file:${join(dir, "missing")}}`, "secretAccessKey", env),
      ).rejects.toThrow(
        /secretAccessKey references the file .*missing, which cannot be read \(ENOENT\)/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("which link of the default chain answered", () => {
  test.each<[Record<string, string> | undefined, Record<string, string>, string]>([
    [{ CREDENTIALS_ENV_VARS: "g" }, {}, "environment variables"],
    [
      { CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN: "h" },
      {},
      "web identity token from AWS_WEB_IDENTITY_TOKEN_FILE",
    ],
    [{ CREDENTIALS_PROFILE: "n" }, { AWS_PROFILE: "ci" }, "profile ci"],
    [
      { CREDENTIALS_PROFILE: "n", CREDENTIALS_PROFILE_PROCESS: "v" },
      {},
      "profile default, credential_process",
    ],
    [{ CREDENTIALS_PROFILE_SSO: "r" }, { AWS_PROFILE: "dev" }, "profile dev, SSO"],
    [{ CREDENTIALS_PROFILE_SOURCE_PROFILE: "o" }, {}, "profile default, assumed role"],
    [{ CREDENTIALS_HTTP: "z" }, {}, "container role"],
    [undefined, {}, "instance role"],
  ])("%j → %s", (marks, env, link) => {
    expect(chainLink(marks === undefined ? {} : { $source: marks }, env)).toBe(link);
  });
});
