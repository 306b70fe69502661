/**
 * Replaces every known secret, and the forms it takes when encoded, with `********`. Every line
 * that reaches a log or an error passes through one redactor; secrets are added before anything
 * that could fail or log runs ("mask first, then act").
 */

export const MASK = "********";

// Shorter values are too likely to match ordinary text to be worth masking (and would mangle logs).
const MIN_SECRET_LENGTH = 4;

export class Redactor {
  readonly #secrets = new Set<string>();
  readonly #formsSet = new Set<string>();
  /** Secrets whose derived forms are not made yet: a run that prints nothing never needs them. */
  readonly #pending: string[] = [];
  #pattern: RegExp | undefined;

  /** Registers a secret and its derived forms. */
  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH || this.#secrets.has(secret)) {
      return;
    }
    this.#secrets.add(secret);
    this.#pending.push(secret);
    this.#pattern = undefined;
  }

  get #forms(): Set<string> {
    for (const secret of this.#pending.splice(0)) {
      for (const form of derivedForms(secret)) {
        if (form.length >= MIN_SECRET_LENGTH) this.#formsSet.add(form);
      }
    }
    return this.#formsSet;
  }

  /** The secrets registered so far (not their derived forms), e.g. for a child's output. */
  get secrets(): string[] {
    return [...this.#secrets];
  }

  get size(): number {
    return this.#forms.size;
  }

  /** The longest secret form; a streaming redactor must hold back this many characters minus one. */
  get longest(): number {
    let longest = 0;
    for (const form of this.#forms) longest = Math.max(longest, form.length);
    return longest;
  }

  redact(text: string): string {
    if (this.#secrets.size === 0) return text;
    this.#pattern ??= new RegExp(
      [...this.#forms]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join("|"),
      "g",
    );
    return text.replace(this.#pattern, MASK);
  }
}

/**
 * The forms a secret takes in output, as listed in SECURITY.md: as is; JSON-escaped (also with
 * `\/` for `/`, and with non-ASCII as `\uXXXX`); shell-quoted; URL-encoded (JavaScript's
 * encodeURIComponent, Python's `quote` and `quote_plus`, form encoding); base64 and base64url of
 * the secret and of `AWS:secret` (the registry login), padded or not, with anything after it
 * (`echo "AWS:$pw" | base64` ends in an encoded newline), wrapped at 76 (`base64`) or 64
 * (`openssl base64`) columns, and in the middle of a longer base64 text at any byte offset.
 */
export function derivedForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const json = JSON.stringify(secret).slice(1, -1);
  forms.add(json);
  forms.add(json.replaceAll("/", "\\/"));
  forms.add(
    json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
  );
  forms.add(secret.replaceAll("'", `'\\''`));
  const uri = encodeURIComponent(secret);
  forms.add(uri);
  // Python's urllib.parse.quote keeps `/` and escapes `!'()*`; quote_plus also turns spaces to `+`.
  const quoted = uri.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  forms.add(quoted.replaceAll("%2F", "/"));
  forms.add(quoted.replaceAll("%20", "+"));
  forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
  const bytes = Buffer.from(secret, "utf8");
  for (const data of [bytes, Buffer.concat([Buffer.from("AWS:"), bytes])]) {
    for (const form of base64Forms(data)) forms.add(form);
  }
  return [...forms].filter((form) => form === secret || form.length >= MIN_DERIVED_LENGTH);
}

// A derived form shorter than this (a few base64 characters) would match ordinary text.
const MIN_DERIVED_LENGTH = 8;

/** base64 forms of `data` that stay the same whatever precedes or follows it (see above). */
function base64Forms(data: Buffer): string[] {
  const forms: string[] = [];
  const full = data.toString("base64");
  forms.push(full, full.replace(/=+$/, ""), data.toString("base64url"));
  // The characters fixed by whole 3-byte groups: a prefix of the encoding of any text that
  // starts with `data` (a trailing newline, more text, no padding).
  const stable = full.slice(0, Math.floor(data.length / 3) * 4);
  forms.push(stable);
  for (const width of [76, 64]) {
    if (stable.length <= width) continue;
    for (const newline of ["\n", "\r\n"]) {
      forms.push(wrap(full, width, newline), wrap(stable, width, newline));
    }
  }
  // `data` inside a longer base64 text, starting 1 or 2 bytes into a group: the characters
  // after the first (mixed) group and before the last partial one depend on `data` alone.
  for (const offset of [1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(offset), data]).toString("base64");
    forms.push(shifted.slice(4, Math.floor((offset + data.length) / 3) * 4));
  }
  return forms;
}

function wrap(text: string, width: number, newline: string): string {
  const lines: string[] = [];
  for (let at = 0; at < text.length; at += width) lines.push(text.slice(at, at + width));
  return lines.join(newline);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
