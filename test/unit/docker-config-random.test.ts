/**
 * Random config files, written as text with random layout and number literals no double holds:
 * a merge keeps every member it does not own byte for byte, and a logout gives back the same
 * parsed document. Seeded, so a failure names a document that can be replayed.
 */
import { describe, expect, test } from "vitest";
import {
  type DockerConfigMode,
  mergeDockerConfig,
  type RegistryLogin,
  removeOurEntries,
} from "../../src/emit/docker-config.js";

const DOCUMENTS = 400;
const HOSTS = ["123456789012.dkr.ecr.eu-west-1.amazonaws.com", "ghcr.io", "quay.io", "gcr.io"];

/** Mulberry32: small, seedable, good enough to vary documents. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(seed: number) {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const ws = () => pick(["", " ", "\n  ", "\t", "\r\n", "  \n\t "]);
  const string = () =>
    JSON.stringify(pick(["a", "é", "😀", 'q"uote', "back\\slash", "tab\t", "", "x".repeat(5)]))
      .replace("é", pick(["é", "\\u00e9"]))
      .replace("a", pick(["a", "\\u0061"]));
  const number = () =>
    pick([
      "12345678901234567890",
      "-0",
      "1.0e+400",
      "0.1000000000000000055511151231257827",
      "-12.5E-3",
      "9007199254740993",
      String(Math.floor(next() * 1000)),
    ]);
  const value = (depth: number): string => {
    const kind = depth > 3 ? pick(["s", "n", "l"]) : pick(["s", "n", "l", "a", "o"]);
    if (kind === "s") return string();
    if (kind === "n") return number();
    if (kind === "l") return pick(["true", "false", "null"]);
    const count = Math.floor(next() * 4);
    if (kind === "a") {
      const items = Array.from({ length: count }, () => `${ws()}${value(depth + 1)}${ws()}`);
      return `[${items.join(",") || ws()}]`;
    }
    return object(
      Array.from({ length: count }, (_, i) => [`k${i}${pick(["", "é", "\\n"])}`, value(depth + 1)]),
    );
  };
  const object = (members: ReadonlyArray<readonly [string, string]>) =>
    `{${members.map(([k, v]) => `${ws()}${JSON.stringify(k)}${ws()}:${ws()}${v}${ws()}`).join(",") || ws()}}`;
  return { next, pick, value, object };
}

interface Document {
  readonly text: string;
  /** Raw `"key": value` texts that a merge must keep. */
  readonly kept: string[];
}

function document(seed: number): Document {
  const g = generator(seed);
  const members: Array<[string, string]> = [];
  const kept: string[] = [];
  const add = (key: string, value: string, keep: boolean) => {
    members.push([key, value]);
    if (keep) kept.push(`${JSON.stringify(key)}: ${value}`);
  };
  const others = Math.floor(g.next() * 4);
  for (let i = 0; i < others; i++) add(`other${i}`, g.value(1), true);
  if (g.next() < 0.7) {
    const entries = HOSTS.filter(() => g.next() < 0.5).map(
      (host) =>
        [
          host,
          g.object([
            ["auth", '"dXNlcjpwYXNz"'],
            ["n", "12345678901234567890"],
          ]),
        ] as const,
    );
    add("auths", g.object(entries), false);
  }
  if (g.next() < 0.4) add("credHelpers", g.object([["gcr.io", '"gcloud"']]), false);
  if (g.next() < 0.3) add("credsStore", '"desktop"', true);
  // Members are joined exactly as object() lays them out, but with ": " so `kept` can find them.
  const text = `{${members.map(([k, v]) => `\n  ${JSON.stringify(k)}: ${v}`).join(",")}\n}\n`;
  return { text, kept };
}

const LOGIN: RegistryLogin = {
  host: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
  username: "AWS",
  password: "random-merge-password",
};

describe(`${DOCUMENTS} random config files`, () => {
  test.each(["auths", "credential-helper"] as const)(
    "%s: a merge keeps every other member's exact text; a logout gives back the parsed document",
    (mode: DockerConfigMode) => {
      for (let seed = 1; seed <= DOCUMENTS; seed++) {
        const { text, kept } = document(seed);
        const original = JSON.parse(text) as Record<string, unknown>;
        const merged = mergeDockerConfig(text, [LOGIN], mode).text;
        const parsed = JSON.parse(merged) as Record<string, Record<string, unknown>>;
        for (const member of kept) expect(merged, `seed ${seed}`).toContain(member);
        if (mode === "auths") {
          expect(parsed.auths?.[LOGIN.host], `seed ${seed}`).toEqual({
            auth: Buffer.from(`AWS:${LOGIN.password}`).toString("base64"),
          });
        } else {
          expect(parsed.credHelpers?.[LOGIN.host], `seed ${seed}`).toBe("ecr-vars");
        }
        const back = JSON.parse(removeOurEntries(merged).text) as Record<string, unknown>;
        const expected: Record<string, unknown> = { ...original };
        expected.auths ??= {};
        if (mode === "credential-helper") expected.credHelpers ??= {};
        // Our entry replaced the user's own entry for the same host: that one is not restored.
        const auths = { ...(expected.auths as Record<string, unknown>) };
        if (mode === "auths") delete auths[LOGIN.host];
        expected.auths = auths;
        expect(back, `seed ${seed}`).toEqual(expected);
      }
    },
  );
});
