/**
 * Edits a JSON document as text: members of an object are replaced, removed or added while every
 * other member keeps its exact source text. A user's config.json may hold numbers beyond double
 * precision (`12345678901234567890`), escapes, duplicate keys or a layout of their own; a parse and
 * re-serialise would silently change them, an edit of the text does not.
 *
 * The functions expect text that JSON.parse accepted already; they scan it without recursion.
 */

import {
  type JsonMember,
  type JsonObjectSpan,
  objectSpan,
  skipValue,
  skipWhitespace,
} from "../core/json-scan.js";

export { type JsonMember, type JsonObjectSpan, objectSpan, skipValue, skipWhitespace };

/** JSON text already laid out for its place in the document (an edited nested object). */
export class RawJson {
  constructor(readonly text: string) {}
}

export interface ObjectEdit {
  /** Key → its new value: a `RawJson` is inserted as is, anything else as indented JSON. */
  readonly set?: ReadonlyMap<string, unknown>;
  readonly remove?: ReadonlySet<string>;
}

export interface Layout {
  /** One level of indentation: the document's own, else a tab. */
  readonly unit: string;
  readonly newline: string;
  /** The document is written on one line: objects that had no members stay on one line too. */
  readonly compact: boolean;
}

/** The indentation unit and line break the document uses (a tab and \n when it has none). */
export function layoutOf(text: string, top: JsonObjectSpan): Layout {
  const newline = text.includes("\r\n") ? "\r\n" : "\n";
  const first = top.members[0];
  const before = first === undefined ? "" : text.slice(top.start + 1, first.start);
  const indent = before.includes("\n") ? before.slice(before.lastIndexOf("\n") + 1) : "";
  const compact = first !== undefined && !before.includes("\n");
  return { unit: indent !== "" && indent.trim() === "" ? indent : "\t", newline, compact };
}

/**
 * The object's text with `edit` applied: a set key's last occurrence (the one JSON.parse keeps)
 * gets the new value in place, earlier duplicates go; new keys are appended; kept members and the
 * whitespace between them are copied byte for byte. `depth` is the object's nesting level
 * (0 = the document), used to indent members added to an object that had none.
 */
export function editObject(
  text: string,
  span: JsonObjectSpan,
  edit: ObjectEdit,
  layout: Layout,
  depth: number,
): string {
  const { members } = span;
  const set = edit.set ?? new Map<string, unknown>();
  const remove = edit.remove ?? new Set<string>();
  const first = members[0];
  const last = members[members.length - 1];
  const opening = first === undefined ? "" : text.slice(span.start + 1, first.start);
  const closing = last === undefined ? "" : text.slice(last.end, span.end - 1);
  const multiline = first === undefined ? !layout.compact : opening.includes("\n");
  const memberIndent =
    first !== undefined && multiline
      ? opening.slice(opening.lastIndexOf("\n") + 1)
      : layout.unit.repeat(depth + 1);
  const valueText = (value: unknown) => {
    if (value instanceof RawJson) return value.text;
    if (!multiline) return JSON.stringify(value);
    return JSON.stringify(value, null, layout.unit).replaceAll(
      "\n",
      `${layout.newline}${memberIndent}`,
    );
  };

  const lastIndex = new Map<string, number>();
  members.forEach((member, index) => {
    lastIndex.set(member.key, index);
  });
  let body = "";
  let emitted = 0;
  members.forEach((member, index) => {
    if (remove.has(member.key)) return;
    let memberText = text.slice(member.start, member.end);
    if (set.has(member.key)) {
      if (lastIndex.get(member.key) !== index) return;
      const between = text.slice(member.keyEnd, member.valueStart);
      memberText = `${text.slice(member.start, member.keyEnd)}${between}${valueText(set.get(member.key))}`;
    }
    // Each member keeps the separator before it; the first one kept takes the opening's.
    const previous = members[index - 1];
    const separator =
      emitted === 0 || previous === undefined ? opening : text.slice(previous.end, member.start);
    body += `${separator}${memberText}`;
    emitted++;
  });
  for (const [key, value] of set) {
    if (lastIndex.has(key)) continue;
    const separator = multiline
      ? `${emitted === 0 ? "" : ","}${layout.newline}${memberIndent}`
      : emitted === 0
        ? ""
        : ", ";
    body += `${separator}${JSON.stringify(key)}: ${valueText(value)}`;
    emitted++;
  }
  if (emitted === 0) return "{}";
  const close =
    last !== undefined && (closing.includes("\n") || !multiline)
      ? closing
      : multiline
        ? `${layout.newline}${layout.unit.repeat(depth)}`
        : "";
  return `{${body}${close}}`;
}
