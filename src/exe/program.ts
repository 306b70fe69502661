/**
 * Which program a standalone executable runs (see README, "Standalone executables"): one file
 * serves both bins, told apart by the name it was started under, as a symlink, a copy or a
 * rename. Docker and skopeo start a credential helper by its name, so the name must decide;
 * Windows adds `.exe`, in any case.
 */

export const HELPER_NAME = "docker-credential-ecr-vars";

export type Program = "ecr-vars" | typeof HELPER_NAME;

/** The program for the name a process was started under (its argv[0], a path or a bare name). */
export function programFor(argv0: string): Program {
  const base = argv0.split(/[\\/]/).pop() ?? "";
  return base.replace(/\.exe$/i, "") === HELPER_NAME ? HELPER_NAME : "ecr-vars";
}
