/**
 * The CI guides (docs/ci/*.md) run as written: every `ecr-vars` command in their fenced YAML,
 * shell and Groovy blocks and inline code parses with the CLI's own parser and tables
 * (cli/parse.ts, commands.ts, options.ts) and passes the run-option, task and scope checks a run
 * makes before any AWS call, in the environment of the guide's CI; nothing installs ecr-vars from
 * the npm registry by name (the name there is not ours); each job that runs ecr-vars in a
 * container image installs it by a route that image can run (Node and git for the git URL, glibc
 * for the executables); GitLab jobs keep `ecr-vars.env` out of artifacts. The GitHub guide's input
 * table names every input of action.yml and of amazon-ecr-login.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { checkScope } from "../../src/cli/output-plan.js";
import { parseCommandLine } from "../../src/cli/parse.js";
import { runOptions } from "../../src/cli/run-options.js";
import { loadTask } from "../../src/cli/task-input.js";
import { isEcrVarsError } from "../../src/core/errors.js";
import { commandWords, simpleCommands } from "../support/shell-commands.js";

const DIR = "docs/ci";
const GUIDES = readdirSync(DIR).filter((name) => name.endsWith(".md"));

/** The environment each guide's commands run in: what makes ecr-vars detect that CI. */
const GUIDE_ENV: Readonly<Record<string, Record<string, string>>> = {
  "azure.md": { TF_BUILD: "True" },
  "bamboo.md": { bamboo_buildKey: "APP-IMG-JOB1" },
  "bitbucket.md": { BITBUCKET_BUILD_NUMBER: "7" },
  "buildkite.md": { BUILDKITE: "true" },
  "circleci.md": { CIRCLECI: "true" },
  "github-actions.md": {
    GITHUB_ACTIONS: "true",
    GITHUB_ENV: "/tmp/env",
    GITHUB_OUTPUT: "/tmp/out",
  },
  "gitlab.md": { GITLAB_CI: "true" },
  "jenkins.md": { JENKINS_URL: "https://jenkins.example/" },
};

/**
 * What a job image has. Facts from the images' own build files: docker:27 is alpine:3.21 with git
 * and no Node (docker-library/docker, 27/cli/Dockerfile); node:24 is Debian; cimg/node installs
 * Node under /usr/local as root for its `circleci` user; the hosted runners' ubuntu-latest has
 * Node, npm and git, and npm installs globally without sudo.
 */
interface ImageFacts {
  readonly node: boolean;
  readonly git: boolean;
  /** glibc, which the release executables need (not musl). */
  readonly glibc: boolean;
  /** `npm install --global` works without sudo. */
  readonly npmGlobal: boolean;
  /** The package manager that can add Node, when the image has none. */
  readonly packages?: "apk" | "apt-get";
}
const IMAGES: Readonly<Record<string, ImageFacts>> = {
  "docker:27": { node: false, git: true, glibc: false, npmGlobal: true, packages: "apk" },
  "node:24": { node: true, git: true, glibc: true, npmGlobal: true },
  "cimg/node:24.0": { node: true, git: true, glibc: true, npmGlobal: false },
  "ubuntu-latest": { node: true, git: true, glibc: true, npmGlobal: true },
};

/** Keys whose values are shell scripts in the CI systems of the guides. */
const SCRIPT_KEYS = new Set([
  "script",
  "before_script",
  "after_script",
  "run",
  "command",
  "commands",
  "inlineScript",
  "scripts",
]);

interface Block {
  readonly file: string;
  readonly line: number;
  readonly lang: string;
  readonly text: string;
}

function fencedBlocks(file: string, markdown: string): { blocks: Block[]; prose: string } {
  const blocks: Block[] = [];
  const prose: string[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i] ?? "");
    if (open === null) {
      prose.push(lines[i] ?? "");
      continue;
    }
    const fence = open[2] ?? "```";
    const body: string[] = [];
    const start = i + 1;
    for (i += 1; i < lines.length && !(lines[i] ?? "").trim().startsWith(fence); i++)
      body.push(lines[i] ?? "");
    blocks.push({ file, line: start, lang: open[3] ?? "", text: body.join("\n") });
  }
  return { blocks, prose: prose.join("\n") };
}

/** A YAML value's scripts, in document order: strings under script keys, and CircleCI's `run.command`. */
function scriptsIn(value: unknown, key = ""): string[] {
  if (typeof value === "string") return SCRIPT_KEYS.has(key) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((item) => scriptsIn(item, key));
  if (value !== null && typeof value === "object") {
    // Nested keys keep their own meaning: CircleCI's `run: { command: … }`, Bamboo's
    // `script: { scripts: [...] }`, Azure's `inputs: { inlineScript: … }`.
    return Object.entries(value).flatMap(([k, v]) => scriptsIn(v, k));
  }
  return [];
}

/** Strings outside script keys that hold an ecr-vars command: these would go unchecked. */
function strayInvocations(value: unknown, key = ""): string[] {
  if (typeof value === "string")
    return !SCRIPT_KEYS.has(key) && /(^|\s)ecr-vars\s+-/.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((item) => strayInvocations(item, key));
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => strayInvocations(v, k));
  return [];
}

/** The shell commands of a block, as argv arrays. */
function blockCommands(block: Block): string[][] {
  switch (block.lang) {
    case "yaml":
    case "yml": {
      return parseAllDocuments(block.text).flatMap((doc) => {
        if (doc.errors.length > 0) throw new Error(`${where(block)}: ${doc.errors[0]?.message}`);
        const value = doc.toJS() as unknown;
        const stray = strayInvocations(value);
        if (stray.length > 0) throw new Error(`${where(block)}: unchecked ecr-vars in ${stray[0]}`);
        return scriptsIn(value).flatMap(simpleCommands);
      });
    }
    case "sh":
    case "bash":
    case "shell":
      return simpleCommands(block.text);
    case "groovy": {
      const strings = [
        ...block.text.matchAll(/\bsh\s*\(?\s*('''[\s\S]*?'''|"""[\s\S]*?"""|'[^'\n]*'|"[^"\n]*")/g),
      ].map((m) => (m[1] ?? "").replace(/^('''|"""|'|")|('''|"""|'|")$/g, ""));
      return strings.flatMap(simpleCommands);
    }
    default:
      if (/(^|[\s'"(])ecr-vars\s+[-a-z]/m.test(block.text))
        throw new Error(
          `${where(block)}: a ${block.lang || "plain"} block runs ecr-vars; check it`,
        );
      return [];
  }
}

const where = (block: Block) => `${block.file}:${block.line}`;

/** Inline code in prose that is an ecr-vars or install command. */
function inlineCommands(prose: string): string[][] {
  return [...prose.matchAll(/`([^`\n]+)`/g)]
    .map((m) => m[1] ?? "")
    .filter((code) => /^(ecr-vars\s|npm\s|npx\s|sudo\s|yarn\s|pnpm\s)/.test(code))
    .flatMap(simpleCommands);
}

const isEcrVars = (word: string | undefined) => word !== undefined && /(^|\/)ecr-vars$/.test(word);

/** Why a command line of the guide would fail before any AWS call, or undefined. */
async function problemOf(args: readonly string[], env: Record<string, string>) {
  try {
    const parsed = parseCommandLine(args);
    const { values } = parsed;
    if (parsed.command.path.length > 0 || values.help === true || values.version === true) return;
    const run = runOptions(values, env);
    if (typeof values.task === "string") return;
    const { task } = await loadTask(values);
    checkScope(task.scope, run, values, "--scope");
    return undefined;
  } catch (error) {
    if (!isEcrVarsError(error)) throw error;
    return [error.message, ...error.problems.map((p) => `${p.field}: ${p.message}`)].join("; ");
  }
}

/** An install of the package named ecr-vars from the npm registry (not ours there). */
function registryInstall(argv: readonly string[]): string | undefined {
  const [tool = "", ...rest] = commandWords(argv);
  const byName = (spec: string) => /^ecr-vars(@[^/]*)?$/.test(spec);
  const positional = (args: readonly string[]) => args.filter((a) => !a.startsWith("-"));
  const packageFlags = (args: readonly string[]) =>
    args.flatMap((a, i) =>
      a === "--package" || a === "-p"
        ? [args[i + 1] ?? ""]
        : a.startsWith("--package=")
          ? [a.slice(10)]
          : [],
    );
  let specs: string[] = [];
  if (tool === "npm") {
    const [verb = "", ...args] = rest;
    if (
      /^(i|in|ins|inst|insta|instal|install|isnt|isnta|isntal|isntall|add|update|up|ci)$/.test(verb)
    )
      specs = positional(args);
    else if (verb === "exec" || verb === "x")
      specs = [...packageFlags(args), ...positional(args).slice(0, 1)];
  } else if (tool === "npx" || tool === "bunx") {
    const packages = packageFlags(rest);
    specs = packages.length > 0 ? packages : positional(rest).slice(0, 1);
  } else if (tool === "yarn" || tool === "pnpm") {
    const args = rest[0] === "global" ? rest.slice(1) : rest;
    if (["add", "dlx", "install", "i"].includes(args[0] ?? "")) specs = positional(args.slice(1));
  }
  return specs.find(byName);
}

/** ecr-vars installed by a route that exists: the git URL, a packed tarball, an executable. */
function installRoute(argv: readonly string[]): "npm" | "executable" | undefined {
  const words = commandWords(argv);
  const [tool, verb] = words;
  if (tool === "npm" && /^(i|install)$/.test(verb ?? "")) {
    const specs = words.slice(2).filter((a) => !a.startsWith("-"));
    if (
      specs.some((s) =>
        /^(git\+https:\/\/github\.com\/ecr-vars\/ecr-vars\.git|github:ecr-vars\/ecr-vars)(#.*)?$|\.tgz$/.test(
          s,
        ),
      )
    )
      return "npm";
  }
  if (
    words.some((w) => /ecr-vars-linux-(x64|arm64)$/.test(w)) &&
    ["curl", "wget", "install"].includes(tool ?? "")
  )
    return "executable";
  return undefined;
}

const installsNode = (argv: readonly string[]) => {
  const [tool, verb, ...rest] = commandWords(argv);
  return (
    ((tool === "apk" && verb === "add") || (tool === "apt-get" && verb === "install")) &&
    rest.includes("nodejs") &&
    rest.includes("npm")
  );
};

interface Job {
  readonly name: string;
  readonly image: string | undefined;
  readonly value: Record<string, unknown>;
  readonly commands: string[][];
}

/** Jobs of a YAML document: mappings with scripts, with the image they run in. */
function jobsOf(doc: unknown): Job[] {
  const jobs: Job[] = [];
  const root = (doc ?? {}) as Record<string, unknown>;
  const defaults = (root.default ?? {}) as Record<string, unknown>;
  const imageOf = (node: Record<string, unknown>): string | undefined => {
    const image = node.image as unknown;
    if (typeof image === "string") return image;
    if (image !== null && typeof image === "object" && "name" in image) return String(image.name);
    const docker = node.docker as Array<{ image?: string }> | undefined;
    if (Array.isArray(docker)) return docker[0]?.image;
    const pool = node.pool as { vmImage?: string } | undefined;
    if (typeof pool?.vmImage === "string") return pool.vmImage;
    return typeof node["runs-on"] === "string" ? node["runs-on"] : undefined;
  };
  const visit = (node: unknown, name: string, inherited: string | undefined) => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) visit(item, `${name}[${i}]`, inherited);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const map = node as Record<string, unknown>;
    const image = imageOf(map) ?? inherited;
    if (["script", "steps", "commands", "command", "scripts"].some((k) => k in map)) {
      const before =
        "before_script" in map ? [] : scriptsIn(defaults.before_script, "before_script");
      jobs.push({
        name,
        image,
        value: map,
        commands: [...before, ...scriptsIn(map)].flatMap(simpleCommands),
      });
      return;
    }
    for (const [key, child] of Object.entries(map))
      if (key !== "default") visit(child, name === "" ? key : `${name}.${key}`, image);
  };
  visit(root, "", imageOf(defaults));
  return jobs;
}

/** Why a job cannot run ecr-vars in its image as written, or undefined. */
function imageProblem(job: Job): string | undefined {
  const firstRun = job.commands.findIndex((argv) => isEcrVars(commandWords(argv)[0]));
  if (firstRun < 0 || job.image === undefined) return undefined;
  const facts = IMAGES[job.image];
  if (facts === undefined) return `image ${job.image}: add what it has to IMAGES`;
  const earlier = job.commands.slice(0, firstRun);
  const install = earlier.findIndex((argv) => installRoute(argv) !== undefined);
  if (install < 0) return `runs ecr-vars in ${job.image} without installing it first`;
  const argv = earlier[install] ?? [];
  if (installRoute(argv) === "executable")
    return facts.glibc ? undefined : `${job.image} is musl: the executables need glibc`;
  const node = facts.node || earlier.slice(0, install).some(installsNode);
  if (!node) return `${job.image} has no Node: install it first (${facts.packages ?? "?"})`;
  if (argv.some((a) => a.startsWith("git+")) && !facts.git) return `${job.image} has no git`;
  if (!facts.npmGlobal && argv[0] !== "sudo") return `npm --global needs sudo in ${job.image}`;
  return undefined;
}

const guides = GUIDES.map((file) => {
  const markdown = readFileSync(join(DIR, file), "utf8");
  const { blocks, prose } = fencedBlocks(file, markdown);
  return { file, markdown, blocks, prose };
});

test("every guide has the environment of its CI here", () => {
  expect(GUIDES.sort()).toEqual(Object.keys(GUIDE_ENV).sort());
});

describe.each(guides)("$file", ({ file, blocks, prose }) => {
  const commands = [...blocks.flatMap(blockCommands), ...inlineCommands(prose)];
  const runs = commands
    .map(commandWords)
    .filter((argv) => isEcrVars(argv[0]))
    .map((argv) => argv.slice(1));

  test("every ecr-vars command parses and passes the checks a run makes first", async () => {
    const problems: string[] = [];
    for (const args of runs) {
      const problem = await problemOf(args, GUIDE_ENV[file] ?? {});
      if (problem !== undefined) problems.push(`ecr-vars ${args.join(" ")}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  test("nothing installs ecr-vars from the npm registry by name", () => {
    expect(commands.filter((argv) => registryInstall(argv) !== undefined)).toEqual([]);
  });

  test("each job runs ecr-vars in an image that can run it, installed by a route that exists", () => {
    const problems = blocks
      .filter((b) => b.lang === "yaml" || b.lang === "yml")
      .flatMap((b) =>
        parseAllDocuments(b.text).flatMap((doc) =>
          jobsOf(doc.toJS()).flatMap((job) => {
            const problem = imageProblem(job);
            return problem === undefined ? [] : [`${where(b)} ${job.name}: ${problem}`];
          }),
        ),
      );
    expect(problems).toEqual([]);
  });
});

test("the guides run ecr-vars at all (the extraction finds them)", () => {
  const counts = Object.fromEntries(
    guides.map(({ file, blocks, prose }) => [
      file,
      [...blocks.flatMap(blockCommands), ...inlineCommands(prose)].filter((argv) =>
        isEcrVars(commandWords(argv)[0]),
      ).length,
    ]),
  );
  for (const file of GUIDES) expect(counts[file], file).toBeGreaterThan(0);
});

test("GitLab jobs keep ecr-vars.env out of artifacts and remove it in after_script", () => {
  const { blocks } = guides.find((g) => g.file === "gitlab.md") ?? { blocks: [] };
  const problems: string[] = [];
  for (const block of blocks.filter((b) => b.lang === "yaml")) {
    const doc = parse(block.text) as Record<string, unknown>;
    const defaults = (doc.default ?? {}) as Record<string, unknown>;
    for (const job of jobsOf(doc)) {
      if (!job.commands.some((argv) => isEcrVars(commandWords(argv)[0]))) continue;
      const artifacts = (job.value.artifacts ?? {}) as Record<string, unknown>;
      const paths = (artifacts.paths ?? []) as string[];
      const exclude = (artifacts.exclude ?? []) as string[];
      if (
        paths.some((p) => p === "." || p.includes("ecr-vars.env") || p.endsWith("/")) ||
        artifacts.untracked === true
      ) {
        if (!exclude.includes("ecr-vars.env"))
          problems.push(`${job.name}: artifacts may take ecr-vars.env`);
      }
      const reports = (artifacts.reports ?? {}) as Record<string, unknown>;
      if (reports.dotenv === "ecr-vars.env") problems.push(`${job.name}: ecr-vars.env as a report`);
      const after = scriptsIn(job.value.after_script ?? defaults.after_script, "after_script");
      if (
        !after
          .flatMap(simpleCommands)
          .some((argv) => argv[0] === "rm" && argv.includes("ecr-vars.env"))
      )
        problems.push(`${job.name}: no after_script removes ecr-vars.env`);
    }
  }
  expect(problems).toEqual([]);
});

test("the GitHub guide's input table names every input of action.yml and of amazon-ecr-login", () => {
  const markdown = readFileSync(join(DIR, "github-actions.md"), "utf8");
  const table =
    /<!-- action-inputs:start -->([\s\S]*?)<!-- action-inputs:end -->/.exec(markdown)?.[1] ?? "";
  const named = new Set(
    table
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .flatMap((line) => [...(line.split("|")[1] ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1])),
  );
  const ours = Object.keys(
    (parse(readFileSync("action.yml", "utf8")) as { inputs: Record<string, unknown> }).inputs,
  );
  // aws-actions/amazon-ecr-login's action.yml.
  const theirs = ["registries", "registry-type", "mask-password", "skip-logout", "http-proxy"];
  expect([...named].sort()).toEqual([...new Set([...ours, ...theirs])].sort());
});

describe("the checks can fail", () => {
  test.each([
    [["--region", "eu-west-1", "--regoin-variable", "x"], /unknown option --regoin-variable/],
    [["--format", "gitlabb"], /"gitlabb" is not a format/],
    [["--scope", "result"], /has no way to carry variables/],
    [["connectors", "lst"], /unknown subcommand/],
    [["--region", "Ireland"], /not an AWS region code/],
  ])("ecr-vars %j", async (args, message) => {
    expect(await problemOf(args, GUIDE_ENV["circleci.md"] ?? {})).toMatch(message);
  });

  test.each([
    ["npm install -g ecr-vars", true],
    ["sudo npm i --global ecr-vars@0.1.0", true],
    ["npx ecr-vars --region eu-west-1", true],
    ["npx --package ecr-vars -- ecr-vars --version", true],
    ["yarn global add ecr-vars", true],
    ["npm install --global git+https://github.com/ecr-vars/ecr-vars.git", false],
    ["npm install --global ./ecr-vars-0.1.0.tgz", false],
    ["npx --package ./ecr-vars-0.1.0.tgz -- ecr-vars --version", false],
  ])("%s installs from the registry: %s", (line, expected) => {
    expect(simpleCommands(line).some((argv) => registryInstall(argv) !== undefined)).toBe(expected);
  });

  test("an image without Node, an uninstalled ecr-vars, a musl executable", () => {
    const job = (image: string, script: string[]) =>
      imageProblem({ name: "j", image, value: {}, commands: script.flatMap(simpleCommands) });
    const git = "npm install --global git+https://github.com/ecr-vars/ecr-vars.git";
    expect(job("docker:27", [git, "ecr-vars --region eu-west-1"])).toMatch(/no Node/);
    expect(job("docker:27", ["apk add --no-cache nodejs npm", git, "ecr-vars"])).toBeUndefined();
    expect(job("node:24", ["ecr-vars --region eu-west-1"])).toMatch(/without installing/);
    expect(job("cimg/node:24.0", [git, "ecr-vars"])).toMatch(/needs sudo/);
    expect(job("cimg/node:24.0", [`sudo ${git}`, "ecr-vars"])).toBeUndefined();
    expect(
      job("docker:27", ["install -m 755 ecr-vars-linux-x64 /usr/local/bin/ecr-vars", "ecr-vars"]),
    ).toMatch(/musl/);
    expect(job("alpine:3", [git, "ecr-vars"])).toMatch(/add what it has/);
  });

  test("the shell reader finds commands inside $( ) and after pipes, not in redirections", () => {
    expect(
      simpleCommands(
        `eval "$(ecr-vars --format sh --output - 2>/dev/null)" && printf '%s' "$X" | docker login --password-stdin <<< "$Y"`,
      ),
    ).toEqual([
      ["ecr-vars", "--format", "sh", "--output", "-"],
      ["eval", "$(ecr-vars --format sh --output - 2>/dev/null)"],
      ["printf", "%s", "$X"],
      ["docker", "login", "--password-stdin"],
    ]);
  });
});
