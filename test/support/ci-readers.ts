/**
 * Readers for CI systems' protocols, written from each system's documented rules, so tests read
 * back what a run wrote the way the CI system would.
 */

/** A GitLab dotenv report, by GitLab's documented rules for artifacts:reports:dotenv. */
export function parseGitlabDotenv(
  text: string,
  limits = { bytes: 5120, variables: 20 },
): Map<string, string> {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > limits.bytes)
    throw new Error(`dotenv report is ${bytes} bytes, over ${limits.bytes}`);
  const lines = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
  const values = new Map<string, string>();
  for (const line of lines) {
    if (line.trim() === "") throw new Error("empty lines are not supported");
    if (line.trimStart().startsWith("#")) throw new Error("comments are not supported");
    const match = /^(.*?)=(.*)$/.exec(line);
    if (match === null) throw new Error(`invalid format: ${line.slice(0, 40)}`);
    const key = (match[1] ?? "").trim();
    // Leading and trailing whitespace is stripped; quotes are kept as part of the value.
    const value = (match[2] ?? "").trim();
    if (!/^[A-Za-z0-9_]+$/.test(key)) throw new Error(`invalid variable name: ${key}`);
    values.set(key, value);
  }
  if (values.size > limits.variables)
    throw new Error(`${values.size} variables, over ${limits.variables}`);
  return values;
}

export interface AzureCommand {
  readonly area: string;
  readonly event: string;
  readonly properties: Record<string, string>;
  readonly data: string;
  readonly line: number;
}

// The agent's unescaping of logging commands (%AZP25 last, so that an escaped %0A stays literal).
const unescapeAzure = (text: string) =>
  text
    .replaceAll("%0D", "\r")
    .replaceAll("%0A", "\n")
    .replaceAll("%5D", "]")
    .replaceAll("%3B", ";")
    .replaceAll("%AZP25", "%");

/** `##vso[area.event k=v;k=v]data` lines of a step's output, as the agent parses them. */
export function azureCommands(stdout: string): AzureCommand[] {
  const commands: AzureCommand[] = [];
  stdout.split("\n").forEach((raw, line) => {
    const text = raw.replace(/\r$/, "");
    const start = text.indexOf("##vso[");
    if (start < 0) return;
    const end = text.indexOf("]", start);
    if (end < 0) return;
    const head = text.slice(start + 6, end);
    const space = head.indexOf(" ");
    const name = space < 0 ? head : head.slice(0, space);
    const properties: Record<string, string> = {};
    for (const pair of (space < 0 ? "" : head.slice(space + 1)).split(";")) {
      if (pair.trim() === "") continue;
      const eq = pair.indexOf("=");
      properties[pair.slice(0, eq).trim().toLowerCase()] = unescapeAzure(pair.slice(eq + 1));
    }
    const [area = "", event = ""] = name.split(".");
    commands.push({ area, event, properties, data: unescapeAzure(text.slice(end + 1)), line });
  });
  return commands;
}
