import { describe, expect, test } from "vitest";
import { derivedForms, MASK, Redactor } from "../../src/platform/redactor.js";
import { MIN_PREFIX_LENGTH, StreamRedactor } from "../../src/platform/stream-redactor.js";

/** A deterministic generator, so a failing chunking can be replayed from its seed. */
function rng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function feed(secrets: string[], input: Buffer, cuts: number[]): Buffer {
  const redactor = new StreamRedactor(secrets);
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, input.length]) {
    out.push(redactor.write(input.subarray(at, cut)));
    at = cut;
  }
  out.push(redactor.end());
  return Buffer.concat(out);
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=\"'\\%:{} \n";

describe("StreamRedactor", () => {
  test("masks a secret split across two chunks at every position", () => {
    const secret = "s3cr3t-registry-password";
    const input = Buffer.from(`login AWS ${secret} ok\n`);
    for (let cut = 1; cut < input.length; cut++) {
      expect(feed([secret], input, [cut]).toString()).toBe(`login AWS ${MASK} ok\n`);
    }
  });

  test("masks the derived forms: base64 AWS:pass, JSON-escaped, URL-encoded", () => {
    const secret = `p/a"s+s=w&o'rd`;
    for (const form of derivedForms(secret)) {
      const input = Buffer.from(`<${form}>`);
      for (let cut = 1; cut < input.length; cut++) {
        expect(feed([secret], input, [cut]).toString()).toBe(`<${MASK}>`);
      }
    }
  });

  test("releases text at once when it cannot be the start of a secret (prompts are not held)", () => {
    const redactor = new StreamRedactor(["registry-password"]);
    expect(redactor.write(Buffer.from("Password: ")).toString()).toBe("Password: ");
    expect(redactor.write(Buffer.from("regis")).toString()).toBe("");
    expect(redactor.write(Buffer.from("ter now")).toString()).toBe("register now");
  });

  // A token cut short is most of the token: `head -c 60`, `cut -c1-60`, a log that truncates.
  test.each([
    ["cut short by one character", (s: string) => s.slice(0, -1)],
    ["cut to its first 60 characters", (s: string) => s.slice(0, 60)],
    ["cut to its first 16 characters", (s: string) => s.slice(0, 16)],
    [
      "the base64 login cut to 60",
      (s: string) => Buffer.from(`AWS:${s}`).toString("base64").slice(0, 60),
    ],
  ])("masks a secret %s, in any chunking", (_name, cut) => {
    const secret = "eyJwYXlsb2FkIjoiQUJDK2RlZi9naGk9IiwidmVyc2lvbiI6IjIifQ-0123456789-abcdefghij";
    const input = Buffer.from(`token: ${cut(secret)}\nnext line\n`);
    for (let at = 0; at <= input.length; at++) {
      expect(feed([secret], input, [at]).toString()).toBe(`token: ${MASK}\nnext line\n`);
    }
  });

  test("leaves a start shorter than MIN_PREFIX_LENGTH alone (ordinary text would match)", () => {
    const secret = "registry-password-0123456789";
    const short = secret.slice(0, MIN_PREFIX_LENGTH - 1);
    expect(feed([secret], Buffer.from(`${short}\n`), []).toString()).toBe(`${short}\n`);
  });

  test("passes binary output through byte for byte", () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131) % 256));
    expect(feed(["not-in-there"], bytes, [1, 100, 2000, 4095]).equals(bytes)).toBe(true);
  });

  test("masks a non-ASCII secret by its UTF-8 bytes, even when a chunk splits a character", () => {
    const secret = "pässwörd-✓-long";
    const input = Buffer.from(`x ${secret} y`);
    for (let cut = 1; cut < input.length; cut++) {
      expect(feed([secret], input, [cut]).toString()).toBe(`x ${MASK} y`);
    }
  });

  test("random chunkings of random text never leak a secret form", () => {
    const random = rng(20261126);
    const pick = (n: number) => Math.floor(random() * n);
    const word = (length: number) =>
      Array.from({ length }, () => ALPHABET[pick(ALPHABET.length)]).join("");
    let chunkings = 0;
    for (let round = 0; round < 400; round++) {
      const secrets = Array.from({ length: 1 + pick(3) }, () => word(4 + pick(60)));
      const forms = secrets.flatMap((s) => derivedForms(s)).filter((f) => f.length >= 4);
      // Text made of noise, secret forms, and prefixes of forms (which must not be held forever).
      const parts: string[] = [];
      for (let i = 0; i < 12; i++) {
        const form = forms[pick(forms.length)] ?? "";
        const choice = pick(3);
        parts.push(
          choice === 0 ? word(pick(20)) : choice === 1 ? form : form.slice(0, pick(form.length)),
        );
      }
      const text = parts.join("");
      const input = Buffer.from(text, "utf8");
      // The whole text in one chunk; it masks what the line redactor masks, and more (prefixes).
      const expected = feed(secrets, input, []).toString("utf8");
      const whole = new Redactor();
      for (const secret of secrets) whole.add(secret);
      expect(whole.redact(expected)).toBe(expected);
      for (let c = 0; c < 10; c++) {
        const cuts = Array.from({ length: pick(12) }, () => pick(input.length + 1)).sort(
          (a, b) => a - b,
        );
        const output = feed(secrets, input, cuts).toString("utf8");
        chunkings++;
        // The same as redacting the whole text at once, whatever the chunking.
        expect(output, `seed round ${round}, cuts ${cuts.join(",")}`).toBe(expected);
        for (const form of forms) {
          expect(output.includes(form), `leaked ${form}`).toBe(false);
          const start = form.slice(0, MIN_PREFIX_LENGTH);
          if (form.length > MIN_PREFIX_LENGTH)
            expect(output.includes(start), `leaked the start of ${form}`).toBe(false);
        }
      }
    }
    expect(chunkings).toBe(4000);
    console.log(`stream redactor: ${chunkings} random chunkings of 400 texts, none leaked`);
    // 4000 runs: seconds on a loaded machine, which is not what this test measures.
  }, 60_000);
});
