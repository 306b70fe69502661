/**
 * Independent readers of the text our renderers write, following each consumer's own literal rules,
 * for formats whose real interpreter is not on the test machine. They are deliberately strict:
 * anything a real interpreter would treat as an operator, expansion or escape we never write makes
 * them throw, so a renderer that emits it fails the test instead of passing by accident.
 */

/** Reads `$Env:NAME = 'lit' + [char]0xHHHH + ...` lines as PowerShell would evaluate them. */
export function readPowerShell(text: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const line of text.split("\n").filter((l) => l !== "")) {
    if (!/^[\x20-\x7e]*$/.test(line)) throw new Error(`not printable ASCII: ${line}`);
    const head = /^\$Env:([A-Za-z_][A-Za-z0-9_]*) = /.exec(line);
    if (head === null) throw new Error(`not an assignment: ${line}`);
    let rest = line.slice(head[0].length);
    let value = "";
    let first = true;
    while (rest !== "") {
      if (!first) {
        if (!rest.startsWith(" + ")) throw new Error(`expected + in: ${line}`);
        rest = rest.slice(3);
      }
      if (first && !rest.startsWith("'")) throw new Error(`must start with a string: ${line}`);
      first = false;
      const char = /^\[char\]0x([0-9A-F]{4})/.exec(rest);
      if (char !== null) {
        value += String.fromCharCode(Number.parseInt(char[1] ?? "", 16));
        rest = rest.slice(char[0].length);
        continue;
      }
      // A single-quoted string: any of the five quote characters closes it unless doubled.
      if (!rest.startsWith("'")) throw new Error(`unexpected term in: ${line}`);
      let index = 1;
      for (;;) {
        const c = rest[index];
        if (c === undefined) throw new Error(`unterminated string: ${line}`);
        if ("'\u2018\u2019\u201a\u201b".includes(c)) {
          const next = rest[index + 1];
          if (next !== undefined && "'\u2018\u2019\u201a\u201b".includes(next)) {
            value += c;
            index += 2;
            continue;
          }
          index += 1;
          break;
        }
        value += c;
        index += 1;
      }
      rest = rest.slice(index);
    }
    result.set(head[1] ?? "", value);
  }
  return result;
}

/**
 * Reads `@set "NAME=value"` lines as cmd reads them from a batch file: `%%` is one `%`, a lone `%`
 * would expand (error), every `"` toggles quoting, outside quotes `^` makes the next character
 * literal and `& | < > ( )` are operators (error), `!` would be delayed expansion (error), and
 * `set "..."` keeps what lies between the first and the last quote.
 */
export function readCmd(text: string): Map<string, string> {
  const result = new Map<string, string>();
  if (!text.endsWith("\r\n") && text !== "") throw new Error("batch lines should end in CRLF");
  for (const line of text.split("\r\n").filter((l) => l !== "")) {
    if (/[\r\n]/.test(line)) throw new Error(`stray line break in: ${line}`);
    if (line.includes("!")) throw new Error(`delayed expansion would change: ${line}`);
    let expanded = "";
    for (let index = 0; index < line.length; index += 1) {
      const c = line[index];
      if (c !== "%") {
        expanded += c;
        continue;
      }
      if (line[index + 1] !== "%") throw new Error(`percent expansion in: ${line}`);
      expanded += "%";
      index += 1;
    }
    let parsed = "";
    let quoted = false;
    for (let index = 0; index < expanded.length; index += 1) {
      const c = expanded[index] ?? "";
      if (c === '"') quoted = !quoted;
      if (!quoted && c === "^") {
        const next = expanded[index + 1];
        if (next === undefined) throw new Error(`line continuation in: ${line}`);
        parsed += next;
        index += 1;
        continue;
      }
      if (!quoted && "&|<>()".includes(c)) throw new Error(`operator ${c} in: ${line}`);
      parsed += c;
    }
    const set = /^@set "(.*)"[^"]*$/s.exec(parsed);
    if (set === null) throw new Error(`not a set "..." line: ${line}`);
    const body = set[1] ?? "";
    const equals = body.indexOf("=");
    if (equals <= 0) throw new Error(`no NAME= in: ${line}`);
    result.set(body.slice(0, equals), body.slice(equals + 1));
  }
  return result;
}

type DotenvDialect = "npm" | "python";

/** Decodes a double-quoted dotenv body: the npm package only knows `\n` and `\r`. */
function doubleQuoted(body: string, dialect: DotenvDialect): string {
  if (dialect === "npm") return body.replaceAll("\\n", "\n").replaceAll("\\r", "\r");
  if (body.includes("$")) throw new Error("python-dotenv would interpolate $ here");
  const escapes: Record<string, string> = {
    "\\": "\\",
    "'": "'",
    '"': '"',
    a: "\x07",
    b: "\b",
    f: "\f",
    n: "\n",
    r: "\r",
    t: "\t",
    v: "\v",
  };
  return body.replace(/\\(.)/gs, (whole, c: string) => escapes[c] ?? whole);
}

/**
 * Reads one-line `NAME=value` entries the way the `dotenv` npm package (`npm`) or python-dotenv
 * (`python`) does. A quoted value whose quote character also appears inside is rejected: the two
 * parsers resolve that case differently, and the renderer must never write it.
 */
export function readDotenv(text: string, dialect: DotenvDialect): Map<string, string> {
  const result = new Map<string, string>();
  for (const line of text.split("\n").filter((l) => l !== "")) {
    const entry = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(line);
    if (entry === null) throw new Error(`not NAME=value: ${line}`);
    const raw = entry[2] ?? "";
    const quote = raw[0];
    let value: string;
    if (quote === "'" || quote === '"') {
      if (!raw.endsWith(quote) || raw.length < 2) throw new Error(`unclosed quote: ${line}`);
      const body = raw.slice(1, -1);
      if (body.includes(quote)) throw new Error(`quote inside quotes: ${line}`);
      if (quote === '"') value = doubleQuoted(body, dialect);
      else value = dialect === "python" ? body.replace(/\\([\\'])/g, "$1") : body;
    } else {
      if (/[\s#'"`$\\]/.test(raw)) throw new Error(`unquoted special character: ${line}`);
      value = raw;
    }
    result.set(entry[1] ?? "", value);
  }
  return result;
}
