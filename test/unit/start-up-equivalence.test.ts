/**
 * Spelled-out forms checked against the compact forms they stand for, which serve as the oracle
 * (a case-insensitive character class, one regular expression of alternatives for region codes,
 * Date#toISOString), over hand-picked edge cases and random input.
 */

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { URL_SCHEME } from "../../src/core/names.js";
import { isRegion } from "../../src/core/region.js";
import { endpointDomain, formatExpiry } from "../../src/core/variables.js";

const RUNS = 2000;

const OLD_REGION =
  /^(?:(?:af|ap|ca|eu|il|me|mx|sa|us)-(?:central|north|south|east|west|northeast|northwest|southeast|southwest)-\d{1,2}|cn-(?:north|northwest)-\d|us-gov-(?:east|west)-\d|us-iso-(?:east|west)-\d|us-isob-east-\d|eu-isoe-west-\d|us-isof-(?:east|south)-\d|eusc-de-east-\d)$/;
const OLD_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** Strings made of the pieces region codes are made of, so that near-misses are common. */
const regionLike = fc
  .array(
    fc.constantFrom(
      ...["af", "ap", "ca", "cn", "eu", "il", "me", "mx", "sa", "us", "gov", "iso", "isob"],
      ...["isoe", "isof", "eusc", "de", "central", "north", "south", "east", "west"],
      ...["northeast", "northwest", "southeast", "southwest", "1", "2", "12", "123", "0"],
      ...["-", "--", "", "X", "\n", " ", "_"],
    ),
    { maxLength: 7 },
  )
  .map((parts) => parts.join("-").replace(/^-+/, ""));

describe("start-up-friendly replacements match what they replaced", () => {
  test("isRegion: every listed edge case and random region-like text", () => {
    const cases = ["us-east-1", "eu-west-12", "eu-west-123", "cn-north-1", "cn-north-12"];
    cases.push("us-gov-west-1", "us-gov-west-10", "us-isof-south-1", "eusc-de-east-1");
    cases.push("us-east-1\n", "US-EAST-1", "us-east-", "-us-east-1", "us-gov-1", "eu-isoe-west-2");
    for (const value of cases) expect(isRegion(value), value).toBe(OLD_REGION.test(value));
    fc.assert(
      fc.property(fc.oneof(regionLike, fc.string()), (value) => {
        expect(isRegion(value)).toBe(OLD_REGION.test(value));
      }),
      { numRuns: RUNS },
    );
  });

  test("URL_SCHEME and endpointDomain: the same schemes as the case-insensitive form", () => {
    const cases = ["https://a", "HTTPS://a", "Https+x.y-z://a", "1http://a", "ſ://a", "K://a"];
    cases.push("h://", "://a", "http:/a", "");
    const schemeLike = fc
      .array(fc.constantFrom("h", "T", "+", ".", "-", "1", ":", "/", "ſ", "K", "é"), {
        maxLength: 10,
      })
      .map((chars) => chars.join(""));
    const check = (value: string) => {
      expect(URL_SCHEME.exec(value)?.[1]).toBe(OLD_SCHEME.exec(value)?.[1]);
      expect(endpointDomain(value)).toBe(
        value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/+$/, ""),
      );
    };
    for (const value of cases) check(value);
    fc.assert(fc.property(fc.oneof(schemeLike, fc.string()), check), { numRuns: RUNS });
  });

  test("formatExpiry: toISOString to the second", () => {
    const check = (ms: number) => {
      const date = new Date(ms);
      expect(formatExpiry(date)).toBe(`${date.toISOString().slice(0, 19)}Z`);
    };
    for (const ms of [
      0, 951_782_400_000, 1_767_225_599_999, 4_107_542_400_000, 253_402_300_799_000,
    ])
      check(ms);
    // Years 0000 to 9999, where toISOString has four digits.
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), check),
      {
        numRuns: RUNS,
      },
    );
  });

  test("lone surrogates: isWellFormed finds what /\\p{Surrogate}/u found", () => {
    const oracle = /\p{Surrogate}/u;
    const cases = ["a\uD800", "\uDC00a", "\uD83D\uDE00", "\uDE00\uD83D", "plain", ""];
    for (const value of cases) expect(!value.isWellFormed(), value).toBe(oracle.test(value));
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }),
        fc.string({
          unit: fc.integer({ min: 0xd700, max: 0xe000 }).map((c) => String.fromCharCode(c)),
        }),
        (a, b) => {
          const value = a + b;
          expect(!value.isWellFormed()).toBe(oracle.test(value));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test("control characters in a registry: the spelled-out class is \\s plus \\p{Cc}", () => {
    const oracle = /[\s\p{Cc}]/u;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the class under test
    const spelled = /[\s\x00-\x1f\x7f-\x9f]/;
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code);
      if (spelled.test(char) !== oracle.test(char)) expect(code.toString(16)).toBe("no difference");
    }
  });
});
