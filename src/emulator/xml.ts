/** Just enough XML writing for STS responses; values are always escaped. */

export function xmlEscape(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** `content` is text (escaped here) or already-built child elements. */
export function xmlElement(
  name: string,
  attributes: Readonly<Record<string, string>>,
  content: string | readonly string[],
): string {
  const attrs = Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${xmlEscape(value)}"`)
    .join("");
  const inner = typeof content === "string" ? xmlEscape(content) : content.join("");
  return `<${name}${attrs}>${inner}</${name}>`;
}
