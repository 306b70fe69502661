/**
 * Scans JSON text that JSON.parse accepted already, without recursion: the members of an object
 * with their offsets, duplicate keys included (JSON.parse keeps only the last of equal keys).
 */

export interface JsonMember {
  readonly key: string;
  /** Offset of the key's opening quote. */
  readonly start: number;
  /** Offset just past the key's closing quote. */
  readonly keyEnd: number;
  readonly valueStart: number;
  /** Offset just past the value. */
  readonly end: number;
}

export interface JsonObjectSpan {
  readonly start: number;
  /** Offset just past the closing brace. */
  readonly end: number;
  readonly members: readonly JsonMember[];
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);

export function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && WHITESPACE.has(text[i] as string)) i++;
  return i;
}

function skipString(text: string, from: number): number {
  let i = from + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === "\\") i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  return i;
}

/** The offset just past the value starting at `from`. */
export function skipValue(text: string, from: number): number {
  const first = text[from];
  if (first === '"') return skipString(text, from);
  if (first !== "{" && first !== "[") {
    let i = from;
    while (
      i < text.length &&
      !WHITESPACE.has(text[i] as string) &&
      !",]}".includes(text[i] as string)
    )
      i++;
    return i;
  }
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i = skipString(text, i);
      continue;
    }
    if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return i;
}

/** The members of the object whose `{` is at `start`. */
export function objectSpan(text: string, start: number): JsonObjectSpan {
  const members: JsonMember[] = [];
  let i = skipWhitespace(text, start + 1);
  while (text[i] === '"') {
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const valueStart = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1);
    const end = skipValue(text, valueStart);
    members.push({ key, start: i, keyEnd, valueStart, end });
    i = skipWhitespace(text, end);
    if (text[i] === ",") i = skipWhitespace(text, i + 1);
  }
  return { start, end: i + 1, members };
}
