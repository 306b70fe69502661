/**
 * Appends to a file a CI system hands over for that purpose (GitHub's `GITHUB_ENV`, CircleCI's
 * `BASH_ENV`): created 0600 when missing, never through a symlink, one write call.
 */

import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { EcrVarsError } from "../core/errors.js";

export async function appendToFile(path: string, text: string, what: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(
      path,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
      0o600,
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EcrVarsError({
      kind: "output",
      code: code === "ELOOP" ? "OUTPUT_IS_SYMLINK" : "OUTPUT_NOT_WRITTEN",
      message: `cannot append to ${what} (${path}): ${code === "ELOOP" ? "it is a symbolic link" : (code ?? "open failed")}`,
      hint: `let the CI system set ${what}, or run this format inside that CI system`,
      cause: error,
    });
  }
  try {
    await handle.writeFile(text, "utf8");
  } finally {
    await handle.close();
  }
}
