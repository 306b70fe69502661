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

/** The forms a secret takes in logs: as is, JSON-escaped, shell-quoted, URL-encoded, base64. */
export function derivedForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  forms.add(JSON.stringify(secret).slice(1, -1));
  forms.add(secret.replaceAll("'", `'\\''`));
  forms.add(encodeURIComponent(secret));
  forms.add(Buffer.from(secret, "utf8").toString("base64"));
  // A registry password travels as base64("AWS:" + password) in Docker auth entries.
  forms.add(Buffer.from(`AWS:${secret}`, "utf8").toString("base64"));
  return [...forms];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
