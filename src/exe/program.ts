/**
 * Which program a standalone executable runs (see docs/executables.md): one file
 * serves every bin, told apart by the name it was started under, as a symlink, a copy or a
 * rename. Docker and skopeo start a credential helper by its name, and the kubelet starts an
 * image credential provider by its name, so the name must decide; Windows adds `.exe`, in any
 * case.
 */

export const HELPER_NAME = "docker-credential-ecr-vars";
export const KUBELET_NAME = "ecr-vars-kubelet";

export type Program = "ecr-vars" | typeof HELPER_NAME | typeof KUBELET_NAME;

/** The program for the name a process was started under (its argv[0], a path or a bare name). */
export function programFor(argv0: string): Program {
  const base = (argv0.split(/[\\/]/).pop() ?? "").replace(/\.exe$/i, "");
  return base === HELPER_NAME || base === KUBELET_NAME ? base : "ecr-vars";
}
