/**
 * Redacts secrets in a byte stream (a child's stdout or stderr) as it flows, including a secret
 * split across chunks. Only what could still become a secret is held back: the longest tail of
 * the text that is the beginning of some secret form. Everything before it is redacted and passed
 * on at once, so interactive output (a prompt without a newline) is not delayed, and a partial
 * secret is never released early. `end()` releases the rest.
 *
 * A form cut short is masked too: a command that truncates (`head -c 60`, a log that shortens
 * long values) still prints most of a token. From each position, the longest run of text that
 * begins a form is masked when it is the whole form or at least MIN_PREFIX_LENGTH characters of
 * it (SECURITY.md, "Derived forms that are masked").
 *
 * Bytes are handled as latin1 text (one char per byte), which round-trips any output, binary
 * included; secret forms are matched by their UTF-8 bytes in the same encoding.
 */

import { derivedForms, MASK } from "./redactor.js";

// As in Redactor: shorter values would match ordinary text.
const MIN_FORM_LENGTH = 4;

/** The shortest beginning of a form that is masked on its own; shorter ones match ordinary text. */
export const MIN_PREFIX_LENGTH = 16;

export class StreamRedactor {
  readonly #forms: string[];
  readonly #pattern: RegExp | undefined;
  readonly #firstChars: Set<string>;
  readonly #longest: number;
  #pending = "";

  constructor(secrets: Iterable<string>) {
    const forms = new Set<string>();
    for (const secret of secrets) {
      if (secret.length < MIN_FORM_LENGTH) continue;
      for (const form of derivedForms(secret)) {
        const bytes = Buffer.from(form, "utf8").toString("latin1");
        if (bytes.length >= MIN_FORM_LENGTH) forms.add(bytes);
      }
    }
    // Longest first, so that the regex prefers a whole derived form over a secret inside it.
    this.#forms = [...forms].sort((a, b) => b.length - a.length);
    // Where a masked run can start: each form's first MIN_PREFIX_LENGTH characters (the whole
    // form when it is shorter), longest first.
    const starts = [...new Set(this.#forms.map((form) => form.slice(0, MIN_PREFIX_LENGTH)))];
    starts.sort((a, b) => b.length - a.length);
    this.#pattern =
      starts.length === 0 ? undefined : new RegExp(starts.map(escapeRegExp).join("|"), "g");
    this.#firstChars = new Set(this.#forms.map((form) => form[0] ?? ""));
    this.#longest = this.#forms[0]?.length ?? 0;
  }

  /** Redacted bytes that are safe to write now. */
  write(chunk: Buffer): Buffer {
    const text = this.#pending + chunk.toString("latin1");
    if (this.#pattern === undefined) return Buffer.from(text, "latin1");
    let cut = this.#holdFrom(text, 0);
    // A complete secret form that runs past the cut is released whole (masked), then the
    // hold point is looked for again after it.
    for (const [start, end] of this.#runs(text)) {
      if (start >= cut) break;
      if (end > cut) cut = this.#holdFrom(text, end);
    }
    this.#pending = text.slice(cut);
    return Buffer.from(this.#redact(text.slice(0, cut)), "latin1");
  }

  /** Everything still held back, redacted. */
  end(): Buffer {
    const rest = this.#redact(this.#pending);
    this.#pending = "";
    return Buffer.from(rest, "latin1");
  }

  #redact(text: string): string {
    let out = "";
    let last = 0;
    for (const [start, end] of this.#runs(text)) {
      out += `${text.slice(last, start)}${MASK}`;
      last = end;
    }
    return out + text.slice(last);
  }

  /** The runs to mask, left to right: [start, end) of each (see the class comment). */
  *#runs(text: string): Generator<[number, number]> {
    const pattern = this.#pattern;
    if (pattern === undefined) return;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const start = match.index;
      let end = start + match[0].length;
      for (const form of this.#forms) {
        if (!form.startsWith(match[0])) continue;
        let n = match[0].length;
        while (n < form.length && text[start + n] === form[n]) n += 1;
        if (n === form.length || n >= MIN_PREFIX_LENGTH) end = Math.max(end, start + n);
      }
      yield [start, end];
      pattern.lastIndex = end;
    }
  }

  /** The first index ≥ `from` where the rest of `text` is a proper prefix of a secret form. */
  #holdFrom(text: string, from: number): number {
    const start = Math.max(from, text.length - this.#longest + 1);
    for (let i = start; i < text.length; i++) {
      if (!this.#firstChars.has(text[i] ?? "")) continue;
      const tail = text.slice(i);
      if (this.#forms.some((form) => form.length > tail.length && form.startsWith(tail))) return i;
    }
    return text.length;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
