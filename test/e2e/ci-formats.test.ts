/**
 * The CI formats as each CI system would consume them: GitHub's file commands read back with the
 * runner's rules, GitLab's dotenv report with GitLab's documented rules (a realistic 1.5 KB
 * password, five registries), Azure's logging commands parsed as the agent parses them. Every
 * secret is masked before it first appears, and where a platform cannot mask, stdout holds none.
 */

import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { azureCommands, parseGitlabDotenv } from "../support/ci-readers.js";
import {
  ACCOUNT,
  type E2eContext,
  EXPIRES_TEXT,
  modeOf,
  PROXY_DOMAIN,
  startE2e,
  tokenOf,
} from "../support/e2e-harness.js";
import { parseFileCommands, workflowCommands } from "../support/github-runner.js";

// An ECR password is base64 of a JSON payload, about 1.5 KB.
const PASSWORD = randomBytes(1116).toString("base64");
const FIVE = [
  `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`,
  `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
  "210987654321.dkr.ecr.eu-central-1.amazonaws.com",
  "333333333333.dkr.ecr.ap-southeast-2.amazonaws.com",
  "444444444444.dkr.ecr.us-west-2.amazonaws.com",
];

let ctx: E2eContext;
let secrets: string[];
beforeAll(async () => {
  ctx = await startE2e({ password: PASSWORD });
  secrets = [PASSWORD, tokenOf(PASSWORD), ctx.emu.defaultUser.secretAccessKey];
});
afterAll(() => ctx?.close());

let dirs = 0;
async function freshDir(): Promise<string> {
  dirs += 1;
  const dir = ctx.path(`run-${dirs}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function runIn(dir: string, args: readonly string[], extra: Record<string, string> = {}) {
  const { runCli } = await import("../support/cli.js");
  return runCli(args, ctx.env(extra), dir);
}

function expectNoSecret(text: string): void {
  for (const secret of secrets)
    expect(
      text.includes(secret),
      `a secret (${secret.slice(0, 6)}…) in:\n${text.slice(0, 3000)}`,
    ).toBe(false);
}

describe("--format github", () => {
  async function githubRun(args: readonly string[]) {
    const dir = await freshDir();
    const files = { GITHUB_ENV: join(dir, "env"), GITHUB_OUTPUT: join(dir, "output") };
    await writeFile(files.GITHUB_ENV, "EARLIER=kept\n");
    await writeFile(files.GITHUB_OUTPUT, "");
    const result = await runIn(dir, ["--region", "eu-west-1", ...args], {
      GITHUB_ACTIONS: "true",
      ...files,
    });
    return {
      result,
      env: parseFileCommands(await readFile(files.GITHUB_ENV, "utf8")),
      outputs: parseFileCommands(await readFile(files.GITHUB_OUTPUT, "utf8")),
    };
  }

  test("default inside GitHub Actions: masks first on stderr, nothing on stdout, values in GITHUB_ENV", async () => {
    const { result, env, outputs } = await githubRun([]);
    expect(result.code, result.stderr).toBe(0);
    // The runner reads workflow commands from stderr too; stdout stays empty for eval.
    expect(result.stdout).toBe("");
    const masks = workflowCommands(result.stderr).map((c) => c.data);
    for (const secret of secrets.slice(0, 2)) expect(masks).toContain(secret);
    const lines = result.stderr.split("\n");
    for (const secret of secrets.slice(0, 2)) {
      const first = lines.findIndex((line) => line.includes(secret));
      expect(lines[first]).toBe(`::add-mask::${secret}`);
    }
    // What the log shows once the masks apply: no secret.
    const shown = lines.filter((l) => !l.startsWith("::add-mask::")).join("\n");
    expect(env.get("EARLIER")).toBe("kept");
    expect(env.get("CUSTOM_AWS_ECR_PASSWORD")).toBe(PASSWORD);
    expect(env.get("CUSTOM_AWS_ECR_EXPIRATIONDATE")).toBe(EXPIRES_TEXT);
    expect(Object.fromEntries(outputs)).toEqual({
      registry: PROXY_DOMAIN,
      registries: PROXY_DOMAIN,
    });
    expectNoSecret(shown);
    expect(result.stderr).toContain("(format github, scope local)");
  });

  test("scope result: step outputs like amazon-ecr-login's, plus every variable", async () => {
    const { result, outputs } = await githubRun(["--scope", "result", "--env-prefix", ""]);
    expect(result.code, result.stderr).toBe(0);
    expect(outputs.get(`docker_password_${ACCOUNT}_dkr_ecr_eu_west_1_amazonaws_com`)).toBe(
      PASSWORD,
    );
    expect(outputs.get("custom_aws_ecr_username")).toBe("AWS");
  });

  test("outside a runner (no GITHUB_ENV) it refuses and prints nothing", async () => {
    const dir = await freshDir();
    const result = await runIn(dir, ["--region", "eu-west-1", "--format", "github"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("GITHUB_ENV is not set");
  });
});

describe("--format gitlab", () => {
  test("default inside GitLab CI: a 0600 file for the job's shell, nothing on stdout", async () => {
    const dir = await freshDir();
    const result = await runIn(dir, ["--region", "eu-west-1"], { GITLAB_CI: "true" });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("");
    expect(await modeOf(join(dir, "ecr-vars.env"))).toBe(0o600);
    const text = await readFile(join(dir, "ecr-vars.env"), "utf8");
    expect(text).toContain(`export CUSTOM_AWS_ECR_PROXYENDPOINTDOMAIN='${PROXY_DOMAIN}'`);
    expect(result.stderr).toContain("GitLab CI cannot mask values created during a job");
    expectNoSecret(result.stderr);
  });

  test.each([
    [1, [FIVE[0] ?? ""]],
    [5, FIVE],
  ])(
    "scope result, %i registries: a dotenv report GitLab accepts, carrying no secret",
    async (count, hosts) => {
      const dir = await freshDir();
      const args = hosts.flatMap((h) => ["--registry", h]);
      const result = await runIn(dir, [...args, "--scope", "result"], { GITLAB_CI: "true" });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe("");
      const text = await readFile(join(dir, "ecr-vars.dotenv"), "utf8");
      const report = parseGitlabDotenv(text);
      expect(report.size).toBe(count === 1 ? 4 : 20);
      expectNoSecret(text);
      expect([...report.keys()].some((k) => /password|authorizationToken/i.test(k))).toBe(false);
      const domains = [...report].filter(([k]) => k.endsWith("_PROXYENDPOINTDOMAIN"));
      expect(domains.map(([, v]) => v).sort()).toEqual([...hosts].sort());
      const bytes = Buffer.byteLength(text);
      const notes = result.stderr.split("\n").filter((l) => l.includes("dotenv report"));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toContain(
        `(${bytes} of 5120 bytes, ${count === 1 ? 4 : 20} of 20 variables)`,
      );
      expect(notes[0]).toContain("no secret");
      expect(notes[0]).toContain("running ecr-vars again");
      console.log(
        `GitLab dotenv report, ${count} registr${count === 1 ? "y" : "ies"}: ${bytes} bytes of 5120, ${report.size} variables of 20`,
      );
    },
  );

  test("--report-secrets: the password goes in, with a warning; too many for 5 registries", async () => {
    const dir = await freshDir();
    const one = await runIn(
      dir,
      ["--region", "eu-west-1", "--scope", "result", "--report-secrets"],
      {
        GITLAB_CI: "true",
      },
    );
    expect(one.code, one.stderr).toBe(0);
    const report = parseGitlabDotenv(await readFile(join(dir, "ecr-vars.dotenv"), "utf8"));
    expect(report.get("CUSTOM_AWS_ECR_PASSWORD")).toBe(PASSWORD);
    expect(report.has("CUSTOM_AWS_ECR_AUTHORIZATIONTOKEN_PASSWORD")).toBe(false);
    expect(one.stderr).toMatch(/warning: .*carries the registry password in clear/);

    const five = await runIn(
      await freshDir(),
      [...FIVE.flatMap((h) => ["--registry", h]), "--scope", "result", "--report-secrets"],
      { GITLAB_CI: "true" },
    );
    expect(five.code).toBe(5);
    expect(five.stderr).toContain("the dotenv report would hold 25 variables");
    expectNoSecret(five.stderr);
  });

  test("--format github --output FILE is refused (the format writes only the runner's files), nothing written", async () => {
    const dir = await freshDir();
    const result = await runIn(dir, [
      "--region",
      "eu-west-1",
      "--format",
      "github",
      "--output",
      "vars.env",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "--output: the github format writes only to its CI system's own files",
    );
    expect(await readdir(dir)).toEqual([]);
  });

  test("--report-secrets means nothing elsewhere and is refused", async () => {
    const result = await runIn(await freshDir(), [
      "--region",
      "eu-west-1",
      "--format",
      "json",
      "--report-secrets",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--report-secrets: only means something for GitLab");
  });
});

describe("--format azure", () => {
  const TRICKY = "p%AZP25;w]o\r\nr%0Ad=";
  test("setsecret for every form first, secrets before the rest, values escaped", async () => {
    ctx.emu.setPassword(TRICKY);
    try {
      const dir = await freshDir();
      const result = await runIn(dir, ["--region", "eu-west-1", "--scope", "result"], {
        TF_BUILD: "True",
      });
      expect(result.code, result.stderr).toBe(0);
      const lines = result.stdout.split("\n").filter((l) => l !== "");
      expect(lines.every((l) => l.startsWith("##vso["))).toBe(true);
      const commands = azureCommands(result.stdout);
      const setsecret = commands.filter((c) => c.event === "setsecret").map((c) => c.data);
      const variables = commands.filter((c) => c.event === "setvariable");
      for (const secret of [TRICKY, tokenOf(TRICKY)]) {
        expect(setsecret).toContain(secret);
        // Masked before its first appearance anywhere on stdout.
        const first = commands.find((c) => c.data === secret || c.data.includes(secret));
        expect(first?.event).toBe("setsecret");
      }
      const byName = new Map(variables.map((c) => [c.properties.variable, c]));
      expect(byName.get("custom.aws.ecr.password")?.data).toBe(TRICKY);
      expect(byName.get("custom.aws.ecr.password")?.properties.issecret).toBe("true");
      expect(byName.get("custom.aws.ecr.username")?.properties.issecret).toBeUndefined();
      expect(variables.every((c) => c.properties.isoutput === "true")).toBe(true);
      const firstPlain = variables.findIndex((c) => c.properties.issecret !== "true");
      const lastSecret = variables.map((c) => c.properties.issecret).lastIndexOf("true");
      expect(lastSecret).toBeLessThan(firstPlain);
      expect(result.stderr).not.toContain(TRICKY);
    } finally {
      ctx.emu.setPassword(PASSWORD);
    }
  });
});

describe("CircleCI, Jenkins, Buildkite: nothing on stdout, the platform's file protocol", () => {
  test("circleci appends to $BASH_ENV and keeps what was there", async () => {
    const dir = await freshDir();
    const bashEnv = join(dir, "bash_env");
    await writeFile(bashEnv, "export EARLIER=1\n");
    const result = await runIn(dir, ["--region", "eu-west-1"], {
      CIRCLECI: "true",
      BASH_ENV: bashEnv,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("");
    const text = await readFile(bashEnv, "utf8");
    expect(text.startsWith("export EARLIER=1\n")).toBe(true);
    expect(text).toContain(`export CUSTOM_AWS_ECR_PASSWORD='${PASSWORD}'`);
    expect(result.stderr).toContain("$BASH_ENV");
  });

  test("circleci refuses --scope result (no masked way to later jobs)", async () => {
    const before = ctx.emu.requests.length;
    const result = await runIn(await freshDir(), ["--region", "eu-west-1", "--scope", "result"], {
      CIRCLECI: "true",
      BASH_ENV: "/nonexistent/bash_env",
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--scope: result: the circleci format has no way");
    expect(ctx.emu.requests.length).toBe(before);
  });

  test("circleci without $BASH_ENV: exit 2 naming the variable, nothing written", async () => {
    const result = await runIn(await freshDir(), ["--region", "eu-west-1"], { CIRCLECI: "true" });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("BASH_ENV is not set");
    expectNoSecret(result.stderr);
  });

  test("a failing buildkite-agent redactor (an older agent): a warning, the run goes on", async () => {
    const dir = await freshDir();
    const bin = join(dir, "bin");
    await mkdir(bin);
    await writeFile(
      join(bin, "buildkite-agent"),
      `#!${process.execPath}\nprocess.stdin.resume();process.stdin.on("end",()=>{process.stderr.write("agent: not in a job\\n");process.exit(3)})\n`,
    );
    await chmod(join(bin, "buildkite-agent"), 0o755);
    const result = await runIn(dir, ["--region", "eu-west-1"], {
      BUILDKITE: "true",
      PATH: `${bin}:${process.env.PATH}`,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      "warning: buildkite-agent redactor add --format json failed (exit 3): agent: not in a job",
    );
    expectNoSecret(result.stderr);
    expect(result.stdout).toBe("");
    expect(await readFile(join(dir, "ecr-vars.env"), "utf8")).toContain(PASSWORD);
  });

  test("jenkins writes a 0600 env file in the workspace", async () => {
    const dir = await freshDir();
    const result = await runIn(dir, ["--region", "eu-west-1"], { JENKINS_URL: "https://j/" });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("");
    expect(await modeOf(join(dir, "ecr-vars.env"))).toBe(0o600);
    expect(result.stderr).toContain("not the console log");
    expectNoSecret(result.stderr);
  });

  test("buildkite hands every secret to buildkite-agent redactor add on stdin", async () => {
    const dir = await freshDir();
    const bin = join(dir, "bin");
    await mkdir(bin);
    const log = join(dir, "agent.log");
    await writeFile(
      join(bin, "buildkite-agent"),
      `#!${process.execPath}\nconst c=[];process.stdin.on("data",d=>c.push(d)).on("end",()=>{require("fs").appendFileSync(${JSON.stringify(log)},JSON.stringify({argv:process.argv.slice(2),stdin:Buffer.concat(c).toString()})+"\\n")})\n`,
    );
    await chmod(join(bin, "buildkite-agent"), 0o755);
    const result = await runIn(dir, ["--region", "eu-west-1"], {
      BUILDKITE: "true",
      PATH: `${bin}:${process.env.PATH}`,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("");
    const [call] = (await readFile(log, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(call.argv).toEqual(["redactor", "add", "--format", "json"]);
    const redacted = Object.values(JSON.parse(call.stdin));
    expect(redacted).toContain(PASSWORD);
    expect(redacted).toContain(tokenOf(PASSWORD));
    expect(await readFile(join(dir, "ecr-vars.env"), "utf8")).toContain(PASSWORD);
  });
});

/** Each detected CI: its variables, the prefix of its agent commands on stdout, the first stderr line. */
const EVERY_CI = [
  [
    "GitHub Actions",
    { GITHUB_ACTIONS: "true", GITHUB_ENV: "env", GITHUB_OUTPUT: "out" },
    undefined,
    /format is github: the later steps of this job get the variables from \$GITHUB_ENV, .* eval "\$\(ecr-vars \.\.\. --format sh\)"\.$/,
  ],
  [
    "GitLab CI",
    { GITLAB_CI: "true" },
    undefined,
    /format is gitlab: load the variables with \. '\.\/ecr-vars\.env' /,
  ],
  [
    "Azure Pipelines",
    { TF_BUILD: "True" },
    "##vso[",
    /format is azure: stdout carries logging commands .* eval "\$\(ecr-vars \.\.\. --format sh\)"\.$/,
  ],
  [
    "CircleCI",
    { CIRCLECI: "true", BASH_ENV: "bash_env" },
    undefined,
    /format is circleci: the later steps of this job get the variables from \$BASH_ENV; .* \. "\$BASH_ENV"\.$/,
  ],
  [
    "Jenkins",
    { JENKINS_URL: "https://jenkins.example.com/" },
    undefined,
    /format is jenkins: load the variables with \. '\.\/ecr-vars\.env' /,
  ],
  [
    "Jenkins (BUILD_TAG)",
    { BUILD_TAG: "jenkins-app-42" },
    undefined,
    /format is jenkins: load the variables with \. '\.\/ecr-vars\.env' /,
  ],
  [
    "Buildkite",
    { BUILDKITE: "true" },
    undefined,
    /format is buildkite: load the variables with \. '\.\/ecr-vars\.env' /,
  ],
  [
    "Bitbucket Pipelines",
    { BITBUCKET_BUILD_NUMBER: "7" },
    undefined,
    /format is sh: load the variables with \. '\.\/ecr-vars\.env' /,
  ],
  [
    "TeamCity",
    { TEAMCITY_VERSION: "2025.11" },
    undefined,
    /format is sh: load the variables with \. '\.\/ecr-vars\.env' /,
  ],
  [
    "Bamboo",
    { bamboo_buildKey: "P-J-1" },
    undefined,
    /format is bamboo: the variables are in ecr-vars\.properties for an "Inject Bamboo variables" task, /,
  ],
] as const;

function ciEnv(dir: string, vars: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(vars))
    env[key] = /_ENV$|_OUTPUT$/.test(key) ? join(dir, value) : value;
  return env;
}

describe("the README's quick start works in a terminal and under every CI", () => {
  // The one-liner names --format sh: an explicit format inside $(...) is safe everywhere.
  const places: Array<[string, Readonly<Record<string, string>>]> = [
    ["a terminal", {}],
    ...EVERY_CI.map(([name, vars]): [string, Readonly<Record<string, string>>] => [name, vars]),
  ];
  test.each(places)("%s", async (name, vars) => {
    const dir = await freshDir();
    const bamboo = name === "Bamboo";
    const script = `eval "$("$0" "$1" --region eu-west-1 --format sh)" && printf '%s\\n%s' "$${bamboo ? "bamboo_custom_aws_ecr_password" : "CUSTOM_AWS_ECR_PASSWORD"}" "$${bamboo ? "bamboo_custom_aws_ecr_proxyEndpointDomain" : "CUSTOM_AWS_ECR_PROXYENDPOINTDOMAIN"}"`;
    const { CLI } = await import("../support/cli.js");
    // Asynchronously: the emulator answers from this process.
    const { stdout: printed } = await promisify(execFile)(
      "bash",
      ["-c", script, process.execPath, CLI],
      { cwd: dir, env: ctx.env(ciEnv(dir, vars)), encoding: "utf8" },
    );
    expect(printed).toBe(`${PASSWORD}\n${PROXY_DOMAIN}`);
  });
});

describe("a bare run under each detected CI: no secret in what the log shows", () => {
  test.each(EVERY_CI)("%s", async (name, vars, commandPrefix, loading) => {
    const dir = await freshDir();
    const result = await runIn(dir, ["--region", "eu-west-1"], ciEnv(dir, vars));
    expect(result.code, result.stderr).toBe(0);
    // The first line says how to load the values, before anything else (GitHub's masks too).
    const first = result.stderr.split("\n")[0] ?? "";
    expect(first).toMatch(/^ecr-vars: .* detected and no --format given, so the /);
    expect(first).toMatch(loading);
    // A masking platform consumes its commands: they never show in the log.
    const shown =
      commandPrefix === undefined
        ? result.stdout
        : result.stdout
            .split("\n")
            .filter((l) => !l.startsWith(commandPrefix))
            .join("\n");
    if (commandPrefix === undefined) expect(result.stdout, name).toBe("");
    expectNoSecret(shown);
    // GitHub's masks go to stderr, where the runner consumes them as commands.
    expectNoSecret(
      result.stderr
        .split("\n")
        .filter((l) => !l.startsWith("::add-mask::"))
        .join("\n"),
    );
    const hits = shown.split(PASSWORD).length - 1;
    console.log(
      `bare run under ${name}: ${hits} occurrences of the password in the shown stdout (${Buffer.byteLength(result.stdout)} bytes of stdout)`,
    );
  });

  test("sh under Bitbucket goes to a 0600 file and says so; --format sh asks for stdout", async () => {
    const dir = await freshDir();
    const bare = await runIn(dir, ["--region", "eu-west-1"], { BITBUCKET_BUILD_NUMBER: "7" });
    expect(bare.stdout).toBe("");
    expect(await modeOf(join(dir, "ecr-vars.env"))).toBe(0o600);
    expect(bare.stderr).toContain(
      "Bitbucket Pipelines cannot mask values created during a job, so the variables went to ecr-vars.env",
    );
    // The recipe of docs/ci/bitbucket.md: source the file in the step's shell.
    const sourced = execFileSync(
      "sh",
      ["-c", '. ./ecr-vars.env && printf %s "$CUSTOM_AWS_ECR_PASSWORD"'],
      { cwd: dir, encoding: "utf8" },
    );
    expect(sourced).toBe(PASSWORD);
    const explicit = await runIn(dir, ["--region", "eu-west-1", "--format", "sh"], {
      BITBUCKET_BUILD_NUMBER: "7",
    });
    expect(explicit.stdout).toContain(PASSWORD);
  });
});

describe("the files the job's shell loads give back every value exactly", () => {
  test.each([
    ["gitlab", { GITLAB_CI: "true" }, "ecr-vars.env"],
    ["jenkins", { JENKINS_URL: "https://j/" }, "ecr-vars.env"],
    ["buildkite", { BUILDKITE: "true" }, "ecr-vars.env"],
    ["circleci", { CIRCLECI: "true", BASH_ENV: "bash_env" }, "bash_env"],
  ] as const)("%s: sourced by sh", async (_name, vars, file) => {
    const dir = await freshDir();
    const env: Record<string, string> = { ...vars };
    if (env.BASH_ENV) env.BASH_ENV = join(dir, env.BASH_ENV);
    const result = await runIn(dir, ["--region", "eu-west-1"], env);
    expect(result.code, result.stderr).toBe(0);
    const printed = execFileSync(
      "sh",
      [
        "-c",
        `. ./${file} && printf '%s\\n%s\\n%s' "$CUSTOM_AWS_ECR_PASSWORD" "$CUSTOM_AWS_ECR_PROXYENDPOINTDOMAIN" "$CUSTOM_AWS_ECR_CREDENTIALS_JSON_PASSWORD"`,
      ],
      { cwd: dir, encoding: "utf8" },
    ).split("\n");
    expect(printed[0]).toBe(PASSWORD);
    expect(printed[1]).toBe(PROXY_DOMAIN);
    expect(JSON.parse(printed[2] ?? "").password).toBe(PASSWORD);
  });
});

describe("scope is honoured or refused", () => {
  test.each(["sh", "json", "dotenv", "powershell", "jenkins", "buildkite"])(
    "--format %s --scope result is refused before any AWS call",
    async (format) => {
      const before = ctx.emu.requests.length;
      const result = await runIn(await freshDir(), [
        "--region",
        "eu-west-1",
        "--format",
        format,
        "--scope",
        "result",
        "--output",
        "out.txt",
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--scope: result: the ${format} format has no way`);
      expect(result.stderr).toContain("bamboo, github, gitlab, azure");
      expect(ctx.emu.requests.length).toBe(before);
    },
  );
});
