import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { actionYml } from "../../src/action/action-yml.js";
import {
  actionInputs,
  mainCommand,
  NOT_INPUTS,
  OWN_INPUTS,
  readSettings,
  splitList,
  unknownInputs,
} from "../../src/action/inputs.js";
import { dockerOutputSuffix, publishPlan } from "../../src/action/outputs.js";
import { MaskingRedactor } from "../../src/action/toolkit.js";
import { OPTIONS } from "../../src/cli/options.js";
import type { RegistrySummary } from "../../src/core/registries.js";
import { buildVariables } from "../../src/core/variables.js";
import { outputSuffix } from "../../src/emit/github.js";

const committed = parse(readFileSync("action.yml", "utf8")) as {
  inputs: Record<string, { description: string; default?: string; required: boolean }>;
  runs: Record<string, string>;
};

describe("action.yml", () => {
  test("its inputs are the command table's main options (less NOT_INPUTS) plus the Action's own", () => {
    const mainFlags = mainCommand()
      .options.map((o) => o.flag)
      .filter((flag) => !(flag in NOT_INPUTS));
    expect(
      actionInputs()
        .filter((i) => i.flag !== undefined)
        .map((i) => i.flag),
    ).toEqual(mainFlags);
    // Every exclusion names an option that exists, so the list cannot rot.
    for (const flag of Object.keys(NOT_INPUTS))
      expect(mainCommand().options.map((o) => o.flag)).toContain(flag);
    const expected = Object.fromEntries(
      actionInputs().map((i) => [
        i.name,
        {
          description: i.description,
          required: false,
          ...(i.default === undefined ? {} : { default: i.default }),
        },
      ]),
    );
    expect(committed.inputs).toEqual(expected);
    // Each task input stands for a flag of the table, with the table's description.
    for (const input of actionInputs()) {
      if (input.flag === undefined) continue;
      const spec = OPTIONS.find((o) => o.flag === input.flag);
      expect(spec, input.name).toBeDefined();
      expect(input.description.startsWith(spec?.description.split("--")[0] ?? "?")).toBe(true);
    }
    for (const key of ["region", "registry-ids", "registries", "namespace", "scope", "role-arn"])
      expect(Object.keys(committed.inputs)).toContain(key);
    for (const own of OWN_INPUTS) expect(Object.keys(committed.inputs)).toContain(own.name);
  });

  test("is the text the generator writes, and runs on node24 with committed bundles", () => {
    expect(readFileSync("action.yml", "utf8")).toBe(actionYml());
    expect(committed.runs).toEqual({
      using: "node24",
      main: "action/main.cjs",
      post: "action/post.cjs",
    });
  });

  test("a table change shows up in the inputs", () => {
    const changed = OPTIONS.map((o) =>
      o.flag === "namespace" ? { ...o, description: "changed", default: "x.y" } : o,
    );
    const namespace = actionInputs(mainCommand(), changed).find((i) => i.name === "namespace");
    expect(namespace).toMatchObject({ description: "changed", default: "x.y" });
    // A new option of the main command becomes an input by itself.
    const command = {
      ...mainCommand(),
      options: [...mainCommand().options, { flag: "new-thing" }],
    };
    const withNew = [
      ...OPTIONS,
      { flag: "new-thing", type: "string", group: "task", description: "new" } as const,
    ];
    expect(actionInputs(command, withNew).map((i) => i.name)).toContain("new-thing");
  });
});

describe("reading inputs", () => {
  const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? "";

  test("flags from inputs; lists split on lines and commas; no env-prefix unless given", () => {
    const settings = readSettings(
      inputs({
        region: "eu-west-1",
        "registry-ids": "111111111111, 222222222222\n333333333333\n",
        "role-arn": "arn:aws:iam::123456789012:role/x",
        "docker-login": "TRUE",
      }),
    );
    expect(settings.flags).toEqual({
      region: "eu-west-1",
      "registry-id": ["111111111111", "222222222222", "333333333333"],
      "role-arn": "arn:aws:iam::123456789012:role/x",
    });
    expect(settings).toMatchObject({ dockerLogin: true, skipLogout: false });
    expect(settings.audience).toBe("sts.amazonaws.com");
  });

  test("a boolean input that is not true/false is refused, naming the input", () => {
    expect(() => readSettings(inputs({ "skip-logout": "yes" }))).toThrow(
      expect.objectContaining({
        problems: [expect.objectContaining({ field: "input skip-logout" })],
      }),
    );
  });

  test("amazon-ecr-login's registries: account ids join registry-ids, hosts stay registries", () => {
    const { flags } = readSettings(
      inputs({
        registries: "123456789012,998877665544",
        "registry-ids": "111111111111",
      }),
    );
    expect(flags["registry-id"]).toEqual(["111111111111", "123456789012", "998877665544"]);
    expect(flags.registry).toBeUndefined();
    const mixed = readSettings(
      inputs({ registries: "998877665544\n123456789012.dkr.ecr.eu-west-1.amazonaws.com" }),
    );
    expect(mixed.flags).toMatchObject({
      "registry-id": ["998877665544"],
      registry: ["123456789012.dkr.ecr.eu-west-1.amazonaws.com"],
    });
  });

  test("an all-digit registry that is not 12 digits: the problem names YAML's dropped zeros", () => {
    expect(() => readSettings(inputs({ registries: "12345678901" }))).toThrow(
      expect.objectContaining({
        problems: [
          expect.objectContaining({
            field: "input registries",
            hint: expect.stringContaining("quote an account id that starts with 0"),
          }),
        ],
      }),
    );
  });

  test.each([
    ["public", {}, ["public.ecr.aws"], []],
    ["PUBLIC", {}, ["public.ecr.aws"], []],
    [
      "public",
      { registries: "123456789012" },
      ["public.ecr.aws"],
      ["registry-type: public serves public.ecr.aws alone; registries ignored"],
    ],
    ["private", { registries: "123456789012.dkr.ecr.eu-west-1.amazonaws.com" }, undefined, []],
  ] as const)("registry-type %s with %o", (type, extra, registry, warnings) => {
    const settings = readSettings(inputs({ "registry-type": type, ...extra }));
    if (registry === undefined) expect(settings.flags.registry).not.toEqual(["public.ecr.aws"]);
    else expect(settings.flags.registry).toEqual(registry);
    if (type.toLowerCase() === "public") expect(settings.flags["registry-id"]).toBeUndefined();
    expect(settings.warnings.map((w) => w.split(" (")[0])).toEqual(warnings);
  });

  test("registry-type other than private or public is refused, naming the input", () => {
    expect(() => readSettings(inputs({ "registry-type": "ecr" }))).toThrow(
      expect.objectContaining({
        problems: [expect.objectContaining({ field: "input registry-type" })],
      }),
    );
  });

  test("mask-password is true unless false; http-proxy is passed on", () => {
    expect(readSettings(inputs({})).maskPassword).toBe(true);
    expect(readSettings(inputs({})).httpProxy).toBeUndefined();
    const settings = readSettings(
      inputs({ "mask-password": "false", "http-proxy": "http://proxy.example:3128" }),
    );
    expect(settings.maskPassword).toBe(false);
    expect(settings.httpProxy).toBe("http://proxy.example:3128");
    expect(() => readSettings(inputs({ "mask-password": "no" }))).toThrow();
  });

  test("an input the Action does not have is a warning naming it, with the closest input", () => {
    const warnings = unknownInputs({
      "INPUT_REGISTRY-TYPE": "private",
      "INPUT_MASK-PASSWORD": "true",
      INPUT_REGISTRY: "123456789012",
      "INPUT_PASSWORD-MASK": "false",
      PATH: "/bin",
    });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^input password-mask is not an input of this Action/);
    expect(warnings[1]).toMatch(
      /^input registry is not an input of this Action and was ignored: did you mean registries\?/,
    );
    // Every input of action.yml, as the runner names its variable, is known.
    const all = Object.fromEntries(
      Object.keys(committed.inputs).map((n) => [`INPUT_${n.toUpperCase()}`, "x"]),
    );
    expect(unknownInputs(all)).toEqual([]);
  });

  test("splitList drops blanks", () => {
    expect(splitList(" a,\n\n b ,")).toEqual(["a", "b"]);
  });
});

describe("what a run publishes", () => {
  const auth = {
    authorizationToken: Buffer.from("AWS:pw-123456").toString("base64"),
    expiresAt: new Date("2030-01-01T00:00:00Z"),
    proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
  };
  const variables = buildVariables(auth, "custom.aws");
  const registries = [
    { registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com" },
  ] as unknown as RegistrySummary[];

  test("output suffixes: every character other than letters, digits and _ becomes _", () => {
    expect(outputSuffix("123456789012.dkr.ecr.us-east-1.amazonaws.com")).toBe(
      "123456789012_dkr_ecr_us_east_1_amazonaws_com",
    );
    expect(outputSuffix("localhost:5000")).toBe("localhost_5000");
  });

  test("amazon-ecr-login's output suffix: each run of other characters becomes one _", () => {
    // The same rule as that action's replaceSpecialCharacters: /[^a-zA-Z0-9_]+/g → "_".
    for (const [host, suffix] of [
      [
        "123456789012.dkr.ecr.aws-region-1.amazonaws.com",
        "123456789012_dkr_ecr_aws_region_1_amazonaws_com",
      ],
      ["public.ecr.aws", "public_ecr_aws"],
      ["123456789012.dkr-ecr-fips.us-east-1.on.aws", "123456789012_dkr_ecr_fips_us_east_1_on_aws"],
      ["a..b__c", "a_b__c"],
    ]) {
      expect(dockerOutputSuffix(host ?? "")).toBe(suffix);
    }
  });

  test("local: env, the registry outputs and amazon-ecr-login's docker outputs", () => {
    const plan = publishPlan(variables, registries, "local", "upper");
    expect(plan.env.map(([n]) => n)).toContain("CUSTOM_AWS_ECR_PASSWORD");
    expect(plan.outputs).toEqual([
      ["registry", registries[0]?.registry],
      ["registries", registries[0]?.registry],
      ["docker_username_123456789012_dkr_ecr_eu_west_1_amazonaws_com", "AWS"],
      ["docker_password_123456789012_dkr_ecr_eu_west_1_amazonaws_com", "pw-123456"],
    ]);
    expect(plan.secrets).toContain("pw-123456");
  });

  test("result: docker_username/password outputs and every variable", () => {
    const plan = publishPlan(variables, registries, "result", { prefix: "P_" });
    const outputs = Object.fromEntries(plan.outputs);
    expect(outputs.docker_password_123456789012_dkr_ecr_eu_west_1_amazonaws_com).toBe("pw-123456");
    expect(outputs.P_custom_aws_ecr_expirationDate).toBe("2030-01-01T00:00:00Z");
  });
});

test("the masking redactor registers each secret form with the runner once", () => {
  const masked: string[] = [];
  const redactor = new MaskingRedactor((s) => masked.push(s));
  redactor.add("secret-value");
  redactor.add("secret-value");
  redactor.add("abc");
  expect(masked).toContain("secret-value");
  expect(masked).toContain(Buffer.from("AWS:secret-value").toString("base64"));
  expect(new Set(masked).size).toBe(masked.length);
  expect(masked).not.toContain("abc");
  expect(redactor.redact("x secret-value y")).toBe("x ******** y");
});

test.each([
  [true, true],
  [false, false],
])(
  "mask-password %s: the token's password is registered with the runner: %s",
  (maskPassword, registered) => {
    const masked: string[] = [];
    const redactor = new MaskingRedactor((s) => masked.push(s), { maskPassword });
    const token = Buffer.from("AWS:the-registry-password").toString("base64");
    redactor.add(token);
    redactor.add("the-registry-password");
    redactor.add("some-other-secret");
    expect(masked).toContain(token);
    expect(masked).toContain("some-other-secret");
    expect(masked.includes("the-registry-password")).toBe(registered);
    expect(masked.some((m) => "the-registry-password".includes(m))).toBe(registered);
    // Our own lines never show it either way.
    expect(redactor.redact("pw the-registry-password")).toBe("pw ********");
  },
);
