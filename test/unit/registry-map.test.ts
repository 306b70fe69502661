/**
 * The helper config's registry map (core/registry-map.ts): which key a host matches, and which
 * configurations are refused (a host named twice, a pattern that can match a look-alike).
 */
import { describe, expect, test } from "vitest";
import {
  matchRegistry,
  parseRegistryMap,
  type RegistryMap,
  registryKeysInText,
} from "../../src/core/registry-map.js";

const A = "123456789012";

function mapOf(registries: Record<string, object>): RegistryMap {
  const parsed = parseRegistryMap(registries, Object.keys(registries), "helper.json");
  if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
  return parsed.map;
}

const MAP = mapOf({
  [`${A}.dkr.ecr.eu-west-1.amazonaws.com`]: { roleArn: `arn:aws:iam::${A}:role/exact` },
  "*.dkr.ecr.*.amazonaws.com": { profile: "any-ecr" },
  "*.dkr.ecr.eu-*.amazonaws.com": { profile: "eu-ecr" },
  "*.example.com": { registryId: A, region: "eu-west-1" },
  "mirror.example.com": { registryId: "210987654321", region: "us-east-1" },
  "mirror.example.com:5000": { registryId: A },
  "registry.*.corp.example": { connector: "corp" },
});

/** [host as a client sends it, the key that must answer, or undefined for none] */
const MATCHES: ReadonlyArray<readonly [string, string | undefined]> = [
  [`${A}.dkr.ecr.eu-west-1.amazonaws.com`, `${A}.dkr.ecr.eu-west-1.amazonaws.com`],
  [`https://${A}.dkr.ecr.eu-west-1.amazonaws.com/v2/`, `${A}.dkr.ecr.eu-west-1.amazonaws.com`],
  [`${A}.DKR.ECR.EU-WEST-1.AMAZONAWS.COM`, `${A}.dkr.ecr.eu-west-1.amazonaws.com`],
  [`${A}.dkr.ecr.eu-central-1.amazonaws.com`, "*.dkr.ecr.eu-*.amazonaws.com"],
  [`${A}.dkr.ecr.us-east-1.amazonaws.com`, "*.dkr.ecr.*.amazonaws.com"],
  [`${A}.dkr.ecr.us-east-1.amazonaws.com.cn`, undefined],
  [`${A}.dkr.ecr.us-east-1.amazonaws.com.evil.example`, undefined],
  ["mirror.example.com", "mirror.example.com"],
  ["https://mirror.example.com", "mirror.example.com"],
  ["mirror.example.com:5000", "mirror.example.com:5000"],
  ["mirror.example.com:5001", undefined],
  ["cache.example.com", "*.example.com"],
  ["a.cache.example.com", undefined],
  ["example.com", undefined],
  ["registry.eu.corp.example", "registry.*.corp.example"],
  ["registry.eu.corp.example.evil", undefined],
  ["docker.io", undefined],
];

describe("matchRegistry: the most specific key wins", () => {
  test.each(MATCHES)("%s → %s", (host, key) => {
    const match = matchRegistry(MAP, host);
    if (key === undefined) expect(match.kind).toBe("none");
    else expect(match).toMatchObject({ kind: "entry", rule: { key } });
  });

  test("two equally specific patterns that both match are ambiguous, naming both", () => {
    const map = mapOf({ "*.b.example.com": { profile: "x" }, "a.*.example.com": { profile: "y" } });
    const match = matchRegistry(map, "a.b.example.com");
    expect(match.kind).toBe("ambiguous");
    if (match.kind === "ambiguous")
      expect(match.rules.map((r) => r.key).sort()).toEqual(["*.b.example.com", "a.*.example.com"]);
    // Only one of them matches here: no ambiguity.
    expect(matchRegistry(map, "c.b.example.com")).toMatchObject({
      kind: "entry",
      rule: { key: "*.b.example.com" },
    });
  });
});

/** [case, registries as JSON text, fragments every problem list must hold] */
const REFUSED: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  [
    "the same key twice (JSON.parse would keep only the last)",
    `{"registries": {"mirror.example.com": {"profile": "a"}, "mirror.example.com": {"profile": "b"}}}`,
    ['registries names "mirror.example.com" twice'],
  ],
  [
    "one host in two spellings",
    `{"registries": {"Mirror.Example.com": {"profile": "a"}, "https://mirror.example.com/": {"profile": "b"}}}`,
    [
      'registries["Mirror.Example.com"] and registries["https://mirror.example.com/"] name the same host mirror.example.com',
    ],
  ],
  [
    "a wildcard in the domain of an ECR pattern",
    `{"registries": {"*.dkr.ecr.*.amazonaws.*": {"profile": "a"}}}`,
    ['registries["*.dkr.ecr.*.amazonaws.*"]', "x.dkr.ecr.x.amazonaws.evil"],
  ],
  [
    "a pattern continuing after an AWS domain",
    `{"registries": {"*.dkr.ecr.*.amazonaws.com.*": {"profile": "a"}}}`,
    ['registries["*.dkr.ecr.*.amazonaws.com.*"]', "only looks like an AWS registry host"],
  ],
  [
    "an AWS domain inside the user's own",
    `{"registries": {"*.amazonaws.com.example.com": {"registryId": "${A}", "region": "eu-west-1"}}}`,
    ['registries["*.amazonaws.com.example.com"]', "x.amazonaws.com.example.com"],
  ],
  [
    "an ECR-shaped pattern outside AWS's domains",
    `{"registries": {"*.dkr.ecr.*.example.com": {"profile": "a"}}}`,
    ['registries["*.dkr.ecr.*.example.com"]', "x.dkr.ecr.x.example.com"],
  ],
  [
    "a wildcard in the China domain",
    `{"registries": {"*.dkr.ecr.*.*.com.cn": {"profile": "a"}}}`,
    ["x.dkr.ecr.x.evil.com.cn"],
  ],
  ["a bare wildcard", `{"registries": {"*": {"profile": "a"}}}`, ['registries["*"]']],
  [
    "an unknown setting, with the near one",
    `{"registries": {"mirror.example.com": {"profle": "a"}}}`,
    ['registries["mirror.example.com"].profle is not a setting (fix: did you mean profile?)'],
  ],
  [
    "a connector and a profile",
    `{"registries": {"mirror.example.com": {"profile": "a", "connector": "b"}}}`,
    ["names both a connector and a profile"],
  ],
  [
    "a path in a key",
    `{"registries": {"mirror.example.com/app": {"profile": "a"}}}`,
    ['"mirror.example.com/app" is not a host'],
  ],
];

describe("parseRegistryMap refuses, naming the entries", () => {
  test.each(REFUSED)("%s", (_name, text, fragments) => {
    const json = JSON.parse(text) as { registries: unknown };
    const parsed = parseRegistryMap(json.registries, registryKeysInText(text), "helper.json");
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const all = parsed.problems.join("\n");
    for (const fragment of fragments) expect(all).toContain(fragment);
    expect(all).toContain("helper.json");
  });

  test.each([
    "*.dkr.ecr.*.amazonaws.com",
    "*.dkr-ecr.*.on.aws",
    "*.dkr.ecr.*.amazonaws.com.cn",
    "*.dkr.ecr.*.amazonaws.eu",
    "*.example.com",
    "registry.*.example.com",
    "*.*.example.com",
    "mirror.example.com:5000",
    "ecr.amazonaws.com.example.com",
  ])("accepts %s", (key) => {
    expect(parseRegistryMap({ [key]: { profile: "p" } }, [key], "helper.json")).toMatchObject({
      ok: true,
    });
  });

  test("keys in the text: the registries object's, duplicates and escapes included", () => {
    const text = `{"defaults": {"registries": {"x": {}}}, "registries": {"a\\u002eb": {}, "c": {}, "c": {}}}`;
    expect(registryKeysInText(text)).toEqual(["a.b", "c", "c"]);
  });
});
