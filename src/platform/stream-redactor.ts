/**
 * Redacts secrets in a byte stream (a child's stdout or stderr) as it flows, including a secret
 * split across chunks. Only what could still become a secret is held back: the longest tail of
 * the text that is the beginning of some secret form. Everything before it is redacted and passed
 * on at once, so interactive output (a prompt without a newline) is not delayed, and a partial
 * secret is never released early. `end()` releases the rest.
 *
 * Bytes are handled as latin1 text (one char per byte), which round-trips any output, binary
 * included; secret forms are matched by their UTF-8 bytes in the same encoding.
 */

import { derivedForms, MASK } from "./redactor.js";

// As in Redactor: shorter values would match ordinary text.
const MIN_FORM_LENGTH = 4;

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
    this.#pattern =
      this.#forms.length === 0
        ? undefined
        : new RegExp(this.#forms.map(escapeRegExp).join("|"), "g");
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
    this.#pattern.lastIndex = 0;
    for (let match = this.#pattern.exec(text); match !== null; match = this.#pattern.exec(text)) {
      const end = match.index + match[0].length;
      if (match.index >= cut) break;
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
    return this.#pattern === undefined ? text : text.replace(this.#pattern, MASK);
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
