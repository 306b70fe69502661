/**
 * A reader of `.properties` text following `java.util.Properties.load` for the forms our bamboo
 * renderer may write: comment lines, `key=value`, and the escapes `\uXXXX`, `\t`, `\n`, `\r`,
 * `\f` and `\<char>`. It throws on a line continuation (a value ending in an odd backslash), which
 * the renderer must never produce.
 */
export function readProperties(text: string): Map<string, string> {
  if (!/^[\x20-\x7e\n]*$/.test(text)) throw new Error("a .properties file should be pure ASCII");
  const result = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.replace(/^[ \t\f]+/, "");
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    if (/(?:^|[^\\])(?:\\\\)*\\$/.test(line)) throw new Error(`line continuation in: ${raw}`);
    // The key ends at the first unescaped `=`, `:` or whitespace.
    let index = 0;
    while (index < line.length && !"=: \t\f".includes(line[index] ?? "")) {
      index += line[index] === "\\" ? 2 : 1;
    }
    const key = unescapeProperties(line.slice(0, index));
    let rest = line.slice(index).replace(/^[ \t\f]*/, "");
    if (rest.startsWith("=") || rest.startsWith(":")) rest = rest.slice(1);
    rest = rest.replace(/^[ \t\f]*/, "");
    result.set(key, unescapeProperties(rest));
  }
  return result;
}

const SIMPLE: Readonly<Record<string, string>> = { t: "\t", n: "\n", r: "\r", f: "\f" };

function unescapeProperties(text: string): string {
  return text.replace(/\\(u([0-9A-Fa-f]{4})|.)/g, (_whole, sequence: string, hex?: string) =>
    hex !== undefined
      ? String.fromCharCode(Number.parseInt(hex, 16))
      : (SIMPLE[sequence] ?? sequence),
  );
}
