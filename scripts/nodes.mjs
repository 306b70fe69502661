// Node.js binaries of the supported release lines for CI and the benchmark: the npm registry's
// `node-<platform>-<arch>` packages hold the official builds (bin/node). They are installed
// outside the project, one directory per major version:
//   $ECR_VARS_NODES_DIR, else ${XDG_CACHE_HOME:-~/.cache}/ecr-vars-ci/node
//
//   node scripts/nodes.mjs install 22 24 26   # installs the latest of each line if missing
//   node scripts/nodes.mjs path 22            # prints the binary of an installed line
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The release lines the package supports (README "Install"). */
export const SUPPORTED = [20, 22, 24, 26];

export function nodesDir(env = process.env) {
  if (env.ECR_VARS_NODES_DIR) return env.ECR_VARS_NODES_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "ecr-vars-ci", "node");
}

const packageName = `node-${process.platform}-${process.arch}`;

/** The binary of release line `major`, whether installed or not. */
export function nodeBinary(major, env = process.env) {
  return join(nodesDir(env), String(major), "node_modules", packageName, "bin", "node");
}

/** Installs release line `major` unless it is there; returns its binary. */
export function installNode(major, env = process.env) {
  const binary = nodeBinary(major, env);
  if (existsSync(binary)) return binary;
  const dir = join(nodesDir(env), String(major));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), '{ "private": true }\n');
  execFileSync(
    "npm",
    ["install", "--no-audit", "--no-fund", "--save-exact", `${packageName}@${major}`],
    { cwd: dir, stdio: ["ignore", "ignore", "inherit"] },
  );
  if (!existsSync(binary)) throw new Error(`${packageName}@${major} has no ${binary}`);
  return binary;
}

/** The machine's node and every other supported line installed here, one binary per line. */
export function availableNodes(env = process.env) {
  const own = Number(process.versions.node.split(".")[0]);
  const found = [{ major: own, binary: process.execPath }];
  for (const major of SUPPORTED) {
    if (major !== own && existsSync(nodeBinary(major, env))) {
      found.push({ major, binary: nodeBinary(major, env) });
    }
  }
  return found.sort((a, b) => a.major - b.major);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, ...majors] = process.argv.slice(2);
  if (command === "install" && majors.length > 0) {
    for (const major of majors) {
      const binary = installNode(Number(major));
      const version = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
      console.log(`node ${version}: ${binary}`);
    }
  } else if (command === "path" && majors.length === 1) {
    const binary = nodeBinary(Number(majors[0]));
    if (!existsSync(binary)) {
      console.error(
        `Node ${majors[0]} is not installed: node scripts/nodes.mjs install ${majors[0]}`,
      );
      process.exit(1);
    }
    console.log(binary);
  } else {
    console.error("usage: node scripts/nodes.mjs install MAJOR... | path MAJOR");
    process.exit(2);
  }
}
