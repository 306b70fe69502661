/**
 * The user's home directory: HOME, else what os.homedir() says (node:os is loaded only then).
 */

type Env = Readonly<Record<string, string | undefined>>;
type Os = typeof import("node:os");

export function homeDir(env: Env): string {
  if (env.HOME) return env.HOME;
  // process.getBuiltinModule from Node 20.16; the CommonJS bundles' require before.
  const os = (process.getBuiltinModule?.("node:os") ?? require("node:os")) as Os;
  return os.homedir();
}
