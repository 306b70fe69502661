/**
 * Property-based tests (fast-check): the redactor and the stream redactor over random secrets,
 * the derived forms SECURITY.md promises and random chunkings; the renderers over random values
 * (each value reads back exactly with the format's own reader, or the renderer refuses it).
 * The encodings are computed here independently of `derivedForms`, with Node's own encoders.
 * Counts of leak scans, chunkings and renderings are printed at the end.
 */

import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import { isEcrVarsError } from "../../src/core/errors.js";
import type { Variable } from "../../src/core/variables.js";
import { bamboo, cmd, dotenv, json, powershell } from "../../src/emit/index.js";
import { MASK, Redactor } from "../../src/platform/redactor.js";
import { StreamRedactor } from "../../src/platform/stream-redactor.js";
import { readProperties } from "../support/e2e-properties.js";
import { OPTIONS, variable } from "../support/emit-fixtures.js";
import { readCmd, readDotenv, readPowerShell } from "../support/emit-readers.js";

const counts = { leakScans: 0, chunkings: 0, rendered: 0, readBack: 0, refused: 0 };
afterAll(() => {
  console.log(
    `properties: ${counts.leakScans} leak scans, ${counts.chunkings} chunkings, ${counts.rendered} renderings (${counts.readBack} read back exactly, ${counts.refused} refused)`,
  );
});

const RUNS = 300;
/** Hundreds of runs take seconds on a loaded machine; the time is not what these tests check. */
const TIME_LIMIT = 60_000;

/** Secrets as they come: ECR-like base64 passwords, AWS-like keys, and any Unicode text. */
const secretArb = fc.oneof(
  fc.base64String({ minLength: 8, maxLength: 400 }),
  fc.stringMatching(/^[A-Za-z0-9/+]{40}$/),
  fc.string({ unit: "grapheme", minLength: 8, maxLength: 60 }),
  fc.string({ unit: "binary-ascii", minLength: 8, maxLength: 60 }),
);

/** Text around a secret that cannot itself complete a derived form. */
const noiseArb = fc.string({ unit: "grapheme-ascii", maxLength: 30 });

function wrap(text: string, width: number, newline = "\n"): string {
  return (text.match(new RegExp(`.{1,${width}}`, "gs")) ?? []).join(newline);
}

function pythonQuote(text: string): string {
  // urllib.parse.quote(text): unreserved characters and `/` stay, everything else is %XX (UTF-8).
  return [...Buffer.from(text, "utf8")]
    .map((byte) => {
      const c = String.fromCharCode(byte);
      return /[A-Za-z0-9_.~/-]/.test(c)
        ? c
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

/** How a tool or a script might print a secret, and the text it prints. */
const ENCODINGS: ReadonlyArray<readonly [string, (secret: string) => string]> = [
  ["as is", (s) => s],
  ["base64 (no wrap)", (s) => Buffer.from(s).toString("base64")],
  ["base64 without = padding", (s) => Buffer.from(s).toString("base64").replace(/=+$/, "")],
  ["base64url", (s) => Buffer.from(s).toString("base64url")],
  [
    "base64 wrapped at 76 (coreutils base64)",
    (s) => wrap(Buffer.from(`${s}`).toString("base64"), 76),
  ],
  [
    'echo "AWS:$pw" | base64 (trailing newline, wrapped at 76)',
    (s) => wrap(Buffer.from(`AWS:${s}\n`).toString("base64"), 76),
  ],
  [
    "base64 AWS:pw without padding",
    (s) => Buffer.from(`AWS:${s}`).toString("base64").replace(/=+$/, ""),
  ],
  ["openssl base64 (wrapped at 64)", (s) => wrap(Buffer.from(s).toString("base64"), 64)],
  ["JSON string", (s) => JSON.stringify(s)],
  ["JSON with \\/ escapes (PHP json_encode)", (s) => JSON.stringify(s).replaceAll("/", "\\/")],
  [
    "JSON with \\uXXXX for non-ASCII (Python json.dumps)",
    (s) =>
      JSON.stringify(s).replace(
        /[\u0080-\uffff]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
      ),
  ],
  ["encodeURIComponent", (s) => encodeURIComponent(s)],
  ["Python urllib.parse.quote", (s) => pythonQuote(s)],
  ["form encoding (URLSearchParams)", (s) => new URLSearchParams({ s }).toString().slice(2)],
  ["shell single-quoted", (s) => `'${s.replaceAll("'", `'\\''`)}'`],
];

const encodingArb = fc.constantFrom(...ENCODINGS);

/** What must not survive redaction: the secret, and the encoded text minus at most 3 characters. */
function leaked(output: string, secret: string, encoded: string): string | undefined {
  counts.leakScans += 1;
  if (output.includes(secret)) return "the secret itself";
  // The last base64 group may hold the secret's last byte or two mixed with what follows it.
  const core = encoded.slice(0, Math.max(0, encoded.length - 4));
  if (core.length >= 8 && output.includes(core)) return "the encoded form";
  return undefined;
}

describe("Redactor", () => {
  test(
    "masks every derived form of a random secret in random text",
    () => {
      fc.assert(
        fc.property(
          secretArb,
          encodingArb,
          noiseArb,
          noiseArb,
          (secret, [, encode], before, after) => {
            const redactor = new Redactor();
            redactor.add(secret);
            const encoded = encode(secret);
            const output = redactor.redact(`${before}${encoded}${after}`);
            expect(leaked(output, secret, encoded)).toBeUndefined();
            expect(output).toContain(MASK);
          },
        ),
        { numRuns: RUNS * 3 },
      );
    },
    TIME_LIMIT,
  );

  test(
    "leaves text without a secret unchanged",
    () => {
      fc.assert(
        fc.property(secretArb, fc.string({ maxLength: 200 }), (secret, text) => {
          fc.pre(!text.includes(secret.slice(0, 8)));
          const redactor = new Redactor();
          redactor.add(secret);
          counts.leakScans += 1;
          // Only a text that happens to hold a base64 run of the secret could change.
          fc.pre(!/[A-Za-z0-9+/]{8}/.test(text));
          expect(redactor.redact(text)).toBe(text);
        }),
        { numRuns: RUNS },
      );
    },
    TIME_LIMIT,
  );
});

describe("StreamRedactor", () => {
  /** Feeds `input` in the chunks cut at `cuts` (byte offsets). */
  function feed(secrets: readonly string[], input: Buffer, cuts: readonly number[]): Buffer {
    counts.chunkings += 1;
    const redactor = new StreamRedactor(secrets);
    const out: Buffer[] = [];
    let at = 0;
    for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
      if (cut <= at || cut >= input.length) continue;
      out.push(redactor.write(input.subarray(at, cut)));
      at = cut;
    }
    out.push(redactor.write(input.subarray(at)), redactor.end());
    return Buffer.concat(out);
  }

  test(
    "any chunking gives the same output as one chunk, and no secret form survives",
    () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(secretArb, encodingArb, noiseArb), { minLength: 1, maxLength: 3 }),
          fc.array(fc.nat(2000), { maxLength: 40 }),
          (parts, cuts) => {
            const secrets = parts.map(([secret]) => secret);
            const text = parts
              .map(([secret, [, encode], noise]) => `${noise}${encode(secret)}\n`)
              .join("");
            const input = Buffer.from(text, "utf8");
            const whole = feed(secrets, input, []);
            const chunked = feed(secrets, input, cuts);
            expect(chunked.equals(whole)).toBe(true);
            const output = whole.toString("utf8");
            for (const [secret, [, encode]] of parts) {
              expect(leaked(output, secret, encode(secret))).toBeUndefined();
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIME_LIMIT,
  );

  test(
    "byte-at-a-time output (a secret split across every read) is masked",
    () => {
      fc.assert(
        fc.property(secretArb, encodingArb, (secret, [, encode]) => {
          const input = Buffer.from(`x ${encode(secret)} y`, "utf8");
          const cuts = Array.from({ length: input.length }, (_, i) => i);
          const output = feed([secret], input, cuts).toString("utf8");
          expect(leaked(output, secret, encode(secret))).toBeUndefined();
        }),
        { numRuns: RUNS / 3 },
      );
    },
    TIME_LIMIT,
  );
});

describe("renderers: a random value reads back exactly, or is refused", () => {
  const valueArb = fc.oneof(
    fc.string({ unit: "binary", maxLength: 80 }),
    fc.string({
      unit: fc.constantFrom(..."'\"\\$`%!^&|<>;=:#\n\r\t {}()*?~é\u{1f4a5}\u2028\0\x7f"),
      maxLength: 30,
    }),
  );
  const FORMATS: ReadonlyArray<
    readonly [string, (v: Variable[]) => string, (text: string) => Map<string, string>, string]
  > = [
    [
      "dotenv (npm dotenv)",
      (v) => dotenv.render(v, OPTIONS).text,
      (t) => readDotenv(t, "npm"),
      "bamboo_custom_aws_ecr_password",
    ],
    [
      "dotenv (python-dotenv)",
      (v) => dotenv.render(v, OPTIONS).text,
      (t) => readDotenv(t, "python"),
      "bamboo_custom_aws_ecr_password",
    ],
    ["cmd", (v) => cmd.render(v, OPTIONS).text, readCmd, "bamboo_custom_aws_ecr_password"],
    [
      "powershell",
      (v) => powershell.render(v, OPTIONS).text,
      readPowerShell,
      "bamboo_custom_aws_ecr_password",
    ],
    [
      "json",
      (v) => json.render(v, OPTIONS).text,
      (t) => new Map(Object.entries(JSON.parse(t) as Record<string, string>)),
      "custom.aws.ecr.password",
    ],
    ["bamboo (.properties)", (v) => bamboo.render(v, OPTIONS).text, readProperties, "ecr.password"],
  ];

  test.each(FORMATS)(
    "%s",
    (_name, render, read, key) => {
      fc.assert(
        fc.property(valueArb, (value) => {
          counts.rendered += 1;
          let text: string;
          try {
            text = render([variable(value)]);
          } catch (error) {
            // Refused: with the renderers' own error (exit 5 and a reason), never a crash.
            expect(isEcrVarsError(error), String(error)).toBe(true);
            counts.refused += 1;
            return;
          }
          expect(read(text).get(key)).toBe(value);
          counts.readBack += 1;
        }),
        { numRuns: RUNS },
      );
    },
    TIME_LIMIT,
  );
});
