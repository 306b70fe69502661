import { describe, expect, test } from "vitest";
import { isEcrVarsError } from "../../src/core/errors.js";
import {
  MARKER_KEY,
  mergeDockerConfig,
  type RegistryLogin,
  removeOurEntries,
} from "../../src/emit/docker-config.js";
import { editObject, layoutOf, objectSpan, RawJson } from "../../src/emit/json-text.js";

const HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const login: RegistryLogin = { host: HOST, username: "AWS", password: "exact-merge-password" };

/** Every member of the user's file, as source text, that the merge must keep byte for byte. */
const USER_TEXT = [
  "{",
  '  "auths": {',
  '    "ghcr.io": {"auth": "dXNlcjpwYXNz", "identitytoken": "t\\u00e9\\/x", "n": 12345678901234567890}',
  "  },",
  '  "big": 12345678901234567890,',
  '  "float": 1.0e+400,',
  '  "tiny": -0.000000000000000000000000000001,',
  '  "escaped": "\\ud83d\\ude00 \\/ \\u0041",',
  '  "dup": 1, "dup": 2,',
  '  "credHelpers": {"gcr.io": "gcloud"},',
  '  "proxies": {"default": {"httpProxy": "http://proxy:3128", "noProxy": "*.local"}}',
  "}",
  "",
].join("\n");

const KEPT_MEMBERS = [
  '"ghcr.io": {"auth": "dXNlcjpwYXNz", "identitytoken": "t\\u00e9\\/x", "n": 12345678901234567890}',
  '"big": 12345678901234567890',
  '"float": 1.0e+400',
  '"tiny": -0.000000000000000000000000000001',
  '"escaped": "\\ud83d\\ude00 \\/ \\u0041"',
  '"dup": 1, "dup": 2',
  '"gcr.io": "gcloud"',
  '"proxies": {"default": {"httpProxy": "http://proxy:3128", "noProxy": "*.local"}}',
];

function refusal(run: () => unknown): { code: string; exit: number; message: string } {
  try {
    run();
  } catch (error) {
    if (!isEcrVarsError(error)) throw error;
    return { code: error.code, exit: error.exitCode, message: error.message };
  }
  throw new Error("expected a refusal");
}

describe("docker-config merges keep every other byte's meaning", () => {
  test("before: 12345678901234567890 became 12345678901234567000; now every other member keeps its exact text", () => {
    const merged = mergeDockerConfig(USER_TEXT, [login], "auths").text;
    for (const member of KEPT_MEMBERS) expect(merged).toContain(member);
    expect(merged).not.toContain("12345678901234567000");
    const config = JSON.parse(merged) as Record<string, Record<string, unknown>>;
    expect(Object.keys(config.auths ?? {})).toEqual(["ghcr.io", HOST]);
    expect(config[MARKER_KEY]).toBeDefined();
  });

  test("a merge and a logout give back the user's exact text, apart from the layout of edited objects", () => {
    const merged = mergeDockerConfig(USER_TEXT, [login], "auths").text;
    const { text, removed } = removeOurEntries(merged);
    expect(removed).toEqual([`auths ${HOST}`]);
    for (const member of KEPT_MEMBERS) expect(text).toContain(member);
    expect(text).not.toContain(MARKER_KEY);
    expect(JSON.parse(text)).toEqual(JSON.parse(USER_TEXT));
  });

  test("a second merge into its own output changes nothing but our entry", () => {
    const once = mergeDockerConfig(USER_TEXT, [login], "auths").text;
    expect(mergeDockerConfig(once, [login], "auths").text).toBe(once);
  });

  test("keeps the file's indentation, CRLF line breaks and a file without members", () => {
    const crlf = '{\r\n    "auths": {\r\n        "ghcr.io": {"auth": "eA=="}\r\n    }\r\n}\r\n';
    const merged = mergeDockerConfig(crlf, [login], "auths").text;
    expect(merged).toContain('\r\n        "ghcr.io": {"auth": "eA=="},\r\n        "123456789012');
    expect(merged.replaceAll("\r\n", "")).not.toContain("\n");
    expect(JSON.parse(mergeDockerConfig("  {}  \n", [login], "auths").text)).toMatchObject({
      auths: { [HOST]: {} },
    });
  });

  test("duplicate keys: the one JSON readers use (the last) is edited, earlier ones go", () => {
    const text = '{"auths": {"a": {}}, "auths": {"b": {"auth": "Yjpi"}}}';
    const merged = JSON.parse(mergeDockerConfig(text, [login], "auths").text);
    expect(Object.keys(merged.auths)).toEqual(["b", HOST]);
  });

  test.each([
    ['"credHelpers": ["a"]', "credHelpers", "an array"],
    ['"auths": "x"', "auths", "a string"],
    ['"auths": null', "auths", "null"],
    ['"auths": 5', "auths", "a number"],
    ['"credHelpers": true', "credHelpers", "a boolean"],
  ])(
    "before: %s was replaced or dropped silently; now refused with exit 5 naming the key",
    (member, key, kind) => {
      const text = `{${member}, "keep": 1}`;
      for (const mode of ["auths", "credential-helper"] as const) {
        const error = refusal(() => mergeDockerConfig(text, [login], mode, "config.json"));
        expect(error).toMatchObject({ code: "DOCKER_CONFIG_SHAPE", exit: 5 });
        expect(error.message).toBe(
          `config.json: "${key}" is ${kind}, not an object of registry entries; refusing to change the file`,
        );
      }
      expect(refusal(() => removeOurEntries(text, "config.json")).exit).toBe(5);
    },
  );

  test("a 5000-deep document is refused with exit 5, not a stack overflow", () => {
    const deep = `{"x": ${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const error = refusal(() => mergeDockerConfig(deep, [login], "auths", "config.json"));
    expect(error).toMatchObject({ code: "DOCKER_CONFIG_UNREADABLE", exit: 5 });
    expect(error.message).toBe("config.json nests deeper than 64 levels; refusing to overwrite it");
  });
});

describe("json-text editing", () => {
  const edit = (text: string, set: Record<string, unknown>, remove: string[] = []) => {
    const top = objectSpan(text, text.indexOf("{"));
    return editObject(
      text,
      top,
      { set: new Map(Object.entries(set)), remove: new Set(remove) },
      layoutOf(text, top),
      0,
    );
  };

  test.each([
    ["{}", { a: 1 }, [], '{\n\t"a": 1\n}'],
    ['{"a": 1}', { b: [1, 2] }, [], '{"a": 1, "b": [1,2]}'],
    ['{"a": 1, "b": 2}', {}, ["a"], '{"b": 2}'],
    ['{"a": 1, "b": 2}', {}, ["a", "b"], "{}"],
    [
      '{\n  "a": {\n    "x": 1\n  }\n}',
      { b: { y: 2 } },
      [],
      '{\n  "a": {\n    "x": 1\n  },\n  "b": {\n    "y": 2\n  }\n}',
    ],
    ['{"s": "a\\"}b", "t": 2}', { t: 3 }, [], '{"s": "a\\"}b", "t": 3}'],
    ['{"a": 1}', { a: new RawJson('{"raw": 1e999}') }, [], '{"a": {"raw": 1e999}}'],
  ])("%s with set %j and remove %j", (text, set, remove, expected) => {
    expect(edit(text, set, remove)).toBe(expected);
  });
});
