/**
 * `--format kubernetes`: Secrets as YAML documents (parsed back with the `yaml` package), their
 * `.dockerconfigjson` in kubectl's exact bytes (test/peers/kubectl.test.ts compares with kubectl
 * itself), one per namespace; and the CLI's checks of --secret-name and --secret-namespace,
 * before any AWS call.
 */

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseAllDocuments } from "yaml";
import { buildVariables } from "../../src/core/variables.js";
import { dockerConfigJson, goJsonString, kubernetes } from "../../src/emit/kubernetes.js";
import { type E2eContext, PROXY_DOMAIN, startInProcess } from "../support/e2e-harness.js";
import { AWKWARD_PASSWORD, ECR_PASSWORD, ecrVariables, OPTIONS } from "../support/emit-fixtures.js";

interface Secret {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  type: string;
  data: Record<string, string>;
}

function secretsOf(text: string): Secret[] {
  return parseAllDocuments(text).map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJS() as Secret;
  });
}

const decoded = (secret: Secret | undefined) =>
  Buffer.from(secret?.data[".dockerconfigjson"] ?? "", "base64").toString("utf8");

describe("the kubernetes renderer", () => {
  test("one Secret without a namespace by default, named ecr-vars", () => {
    const plan = kubernetes.render(ecrVariables(ECR_PASSWORD), OPTIONS);
    const [secret, ...rest] = secretsOf(plan.text);
    expect(rest).toEqual([]);
    expect(secret).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "ecr-vars",
        labels: { "app.kubernetes.io/managed-by": "ecr-vars" },
        annotations: { "ecr-vars/expires-at": "2026-11-26T11:39:00Z" },
      },
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": expect.any(String) },
    });
    expect(JSON.parse(decoded(secret))).toEqual({
      auths: {
        [PROXY_DOMAIN]: {
          username: "AWS",
          password: ECR_PASSWORD,
          auth: Buffer.from(`AWS:${ECR_PASSWORD}`).toString("base64"),
        },
      },
    });
    expect(plan.wrote).toBe("1 Secret ecr-vars (1 registry, the current namespace)");
    expect(plan.notes.join("\n")).not.toContain(ECR_PASSWORD);
  });

  test("one Secret per namespace, in the order given, each with the same data", () => {
    const plan = kubernetes.render(ecrVariables(ECR_PASSWORD), {
      ...OPTIONS,
      secretName: "ecr-pull",
      secretNamespaces: ["team-a", "team-b", "default"],
    });
    const secrets = secretsOf(plan.text);
    expect(secrets.map((s) => [s.metadata.name, s.metadata.namespace])).toEqual([
      ["ecr-pull", "team-a"],
      ["ecr-pull", "team-b"],
      ["ecr-pull", "default"],
    ]);
    expect(new Set(secrets.map((s) => s.data[".dockerconfigjson"])).size).toBe(1);
    expect(plan.wrote).toBe("3 Secrets ecr-pull (1 registry, namespaces team-a, team-b, default)");
  });

  test("several registries: one auths entry each, hosts sorted as Go sorts map keys, earliest expiry", () => {
    const variables = [
      ...ecrVariables(ECR_PASSWORD),
      ...buildVariables(
        {
          authorizationToken: Buffer.from("AWS:second").toString("base64"),
          expiresAt: new Date("2026-11-26T10:00:00Z"),
          proxyEndpoint: "https://000000000001.dkr.ecr.us-east-1.amazonaws.com",
        },
        "custom.aws",
        "000000000001.us_east_1",
      ),
    ];
    const [secret] = secretsOf(kubernetes.render(variables, OPTIONS).text);
    expect(Object.keys(JSON.parse(decoded(secret)).auths)).toEqual([
      "000000000001.dkr.ecr.us-east-1.amazonaws.com",
      PROXY_DOMAIN,
    ]);
    expect(secret?.metadata.annotations["ecr-vars/expires-at"]).toBe("2026-11-26T10:00:00Z");
  });

  test("an awkward password survives the YAML and JSON round trip exactly", () => {
    const [secret] = secretsOf(kubernetes.render(ecrVariables(AWKWARD_PASSWORD), OPTIONS).text);
    const auths = JSON.parse(decoded(secret)).auths;
    expect(auths[PROXY_DOMAIN].password).toBe(AWKWARD_PASSWORD);
  });

  test.each([
    ["<>&", '"\\u003c\\u003e\\u0026"'],
    ["a\u2028b\u2029", '"a\\u2028b\\u2029"'],
    ['q"\\\n', '"q\\"\\\\\\n"'],
    ["\u00e9\u{1f4a5}", '"\u00e9\u{1f4a5}"'],
  ])("goJsonString(%j) escapes as Go does: %s", (value, json) => {
    expect(goJsonString(value)).toBe(json);
    expect(JSON.parse(goJsonString(value))).toBe(value);
  });

  test("the .dockerconfigjson bytes", () => {
    expect(dockerConfigJson([{ host: "h.example", username: "AWS", password: "p<w" }])).toBe(
      '{"auths":{"h.example":{"username":"AWS","password":"p\\u003cw","auth":"QVdTOnA8dw=="}}}',
    );
  });
});

describe("ecr-vars --format kubernetes: the options are checked before any AWS call", () => {
  let ctx: E2eContext;
  beforeAll(async () => {
    ctx = await startInProcess({ password: ECR_PASSWORD });
  });
  afterAll(async () => {
    await ctx?.close();
  });
  const base = ["--region", "eu-west-1", "--registry-id", "123456789012"];

  test.each([
    [
      "a Secret name with capitals",
      ["--format", "kubernetes", "--secret-name", "ECR"],
      /--secret-name: "ECR" is not a Secret name/,
    ],
    [
      "a namespace with a dot",
      ["--format", "kubernetes", "--secret-namespace", "a.b"],
      /--secret-namespace: "a\.b" is not a namespace/,
    ],
    [
      "the same namespace twice",
      ["--format", "kubernetes", "--secret-namespace", "a", "--secret-namespace", "a"],
      /--secret-namespace: names the same namespace more than once/,
    ],
    [
      "secret options with another format",
      ["--format", "json", "--secret-name", "x"],
      /--secret-name: has no meaning for the json format \(fix: add --format kubernetes/,
    ],
  ])("%s: exit 2", async (_name, args, message) => {
    const before = ctx.emu.requests.length;
    const result = await ctx.run([...base, ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(ctx.emu.requests.length).toBe(before);
  });

  test("a run writes the Secrets to stdout and says what it wrote", async () => {
    const result = await ctx.run([
      ...base,
      "--format",
      "kubernetes",
      "--secret-name",
      "ecr-pull",
      "--secret-namespace",
      "team-a",
      "--secret-namespace",
      "team-b",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const secrets = secretsOf(result.stdout);
    expect(secrets.map((s) => s.metadata.namespace)).toEqual(["team-a", "team-b"]);
    expect(JSON.parse(decoded(secrets[0])).auths[PROXY_DOMAIN].password).toBe(ECR_PASSWORD);
    expect(result.stderr).toContain(
      "Wrote 2 Secrets ecr-pull (1 registry, namespaces team-a, team-b)",
    );
    expect(result.stderr).not.toContain(ECR_PASSWORD);
  });
});
