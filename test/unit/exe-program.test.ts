import { expect, test } from "vitest";
import { programFor } from "../../src/exe/program.js";

test.each([
  ["docker-credential-ecr-vars", "docker-credential-ecr-vars"],
  ["/usr/local/bin/docker-credential-ecr-vars", "docker-credential-ecr-vars"],
  ["C:\\tools\\docker-credential-ecr-vars.exe", "docker-credential-ecr-vars"],
  ["docker-credential-ecr-vars.EXE", "docker-credential-ecr-vars"],
  ["./ecr-vars-linux-x64", "ecr-vars"],
  ["ecr-vars", "ecr-vars"],
  ["C:\\tools\\ecr-vars-win-x64.exe", "ecr-vars"],
  ["docker-credential-ecr-vars-linux-x64", "ecr-vars"],
  ["/opt/docker-credential-ecr-vars/ecr-vars", "ecr-vars"],
  ["", "ecr-vars"],
  ["ecr-vars-kubelet", "ecr-vars-kubelet"],
  ["/etc/kubernetes/image-credential-provider/ecr-vars-kubelet", "ecr-vars-kubelet"],
  ["C:\\k\\credential-provider\\ecr-vars-kubelet.exe", "ecr-vars-kubelet"],
  ["ecr-vars-kubelet-linux-x64", "ecr-vars"],
  ["ecr-vars-kubelet.cjs", "ecr-vars"],
])("started as %j, the executable runs %s", (argv0, program) => {
  expect(programFor(argv0)).toBe(program);
});
