/**
 * The command line as a newcomer meets it, in-process through `CliIo`: options before or after a
 * command, values that start with `-`, help and version on every command, the command and option
 * tables agreeing with each other, and the password mode.
 */
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { COMMANDS, commandName, commandOptions, GLOBAL_FLAGS } from "../../src/cli/commands.js";
import { OPTIONS } from "../../src/cli/options.js";
import { createEmulator, type Emulator } from "../../src/emulator/index.js";
import { cleanEnv, tempDir } from "../support/cli.js";
import { runInProcess } from "../support/in-process.js";

const PASSWORD = "command-line-password-0123456789";
let emu: Emulator;
let dir: { path: string; cleanup: () => Promise<void> };
let connectors: string;
beforeAll(async () => {
  emu = await createEmulator({ password: PASSWORD });
  dir = await tempDir();
  connectors = `${dir.path}/connectors.json`;
  await writeFile(
    connectors,
    JSON.stringify({
      connectors: [
        {
          id: "0b7e8f52-5a0e-4c4e-9d1a-2f3c4d5e6f70",
          name: "ci-user",
          type: "access-keys",
          accessKeyId: "${env.CI_KEY}",
          secretAccessKey: "${env.CI_SECRET}",
        },
      ],
    }),
  );
});
afterAll(async () => {
  await emu.close();
  await dir.cleanup();
});

const env = () =>
  cleanEnv({
    AWS_ENDPOINT_URL: emu.url,
    AWS_ACCESS_KEY_ID: emu.defaultUser.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emu.defaultUser.secretAccessKey,
  });
const R = ["--region", "eu-west-1"];

describe("the command and option tables", () => {
  test("flags and short flags are unique", () => {
    const flags = OPTIONS.map((o) => o.flag);
    expect(new Set(flags).size).toBe(flags.length);
    const shorts = OPTIONS.flatMap((o) => (o.short === undefined ? [] : [o.short]));
    expect(new Set(shorts).size).toBe(shorts.length);
  });

  test("every command's options are in the option table, globals included", () => {
    for (const command of COMMANDS) {
      const flags = commandOptions(command).map((o) => o.flag);
      for (const global of GLOBAL_FLAGS) expect(flags, commandName(command)).toContain(global);
    }
  });

  test("every option belongs to some command", () => {
    const used = new Set(COMMANDS.flatMap((c) => commandOptions(c).map((o) => o.flag)));
    expect(OPTIONS.map((o) => o.flag).filter((f) => !used.has(f))).toEqual([]);
  });

  test("the tables are plain data (JSON round trip keeps them)", () => {
    expect(JSON.parse(JSON.stringify(OPTIONS))).toEqual(OPTIONS);
    expect(JSON.parse(JSON.stringify(COMMANDS))).toEqual(COMMANDS);
  });
});

describe("help and version", () => {
  test("ecr-vars --help lists every command, exit 0", async () => {
    const result = await runInProcess(["--help"]);
    expect(result.code).toBe(0);
    for (const command of COMMANDS.filter((c) => c.path.length > 0)) {
      expect(result.stdout).toContain(`  ${command.path.join(" ")} `);
    }
  });

  test.each(COMMANDS.filter((c) => c.path.length > 0).map((c) => [commandName(c), c] as const))(
    "%s --help and ecr-vars help ... show the command's usage and each of its options",
    async (_name, command) => {
      const viaFlag = await runInProcess([...command.path, "--help"]);
      expect(viaFlag.code, viaFlag.stderr).toBe(0);
      const viaHelp = await runInProcess(["help", ...command.path]);
      expect(viaHelp.code, viaHelp.stderr).toBe(0);
      if (command.path[0] !== "help") expect(viaHelp.stdout).toBe(viaFlag.stdout);
      expect(viaFlag.stdout).toContain(`ecr-vars ${command.usage[0]}`);
      for (const option of commandOptions(command)) {
        expect(viaFlag.stdout).toContain(`--${option.flag}`);
      }
    },
  );

  test("--help before the command shows the command's help", async () => {
    const before = await runInProcess(["--help", "exec"]);
    expect(before.stdout).toBe((await runInProcess(["exec", "--help"])).stdout);
  });

  test("ecr-vars connectors --help covers list and test", async () => {
    const result = await runInProcess(["connectors", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("ecr-vars connectors list");
    expect(result.stdout).toContain("ecr-vars connectors test ID|NAME");
  });

  test("ecr-vars help is the main help", async () => {
    const help = await runInProcess(["help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe((await runInProcess(["--help"])).stdout);
  });

  test.each([["--version"], ["-V"], ["policy", "--version"], ["connectors", "list", "-V"]])(
    "%s prints the version, exit 0",
    async (...args) => {
      const result = await runInProcess(args);
      expect(result).toEqual({ code: 0, stdout: "0.0.0-test\n", stderr: "" });
    },
  );
});

describe("argument forms", () => {
  test("options before the command: --connectors FILE connectors list", async () => {
    const result = await runInProcess(["--connectors", connectors, "connectors", "list"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("ci-user");
  });

  test("a value that starts with - is the option's value: --description -x", async () => {
    const result = await runInProcess([...R, "--description", "-x", "-f", "json"], env());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("ecr-vars (-x): Amazon ECR credentials");
  });

  test("--format=json, -fjson and -qf json are the same as -f json", async () => {
    for (const args of [["--format=json"], ["-fjson"], ["-qf", "json"]]) {
      const result = await runInProcess([...R, ...args], env());
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)["custom.aws.ecr.password"]).toBe(PASSWORD);
    }
  });

  test("task options before exec: ecr-vars --region R exec -- CMD", async () => {
    const result = await runInProcess(
      [...R, "exec", "--", process.execPath, "-e", "process.exit(0)"],
      env(),
    );
    expect(result.code, result.stderr).toBe(0);
  });
});

describe("password mode", () => {
  test("get-login-password prints the password and a newline, and nothing on stderr", async () => {
    const result = await runInProcess(["get-login-password", ...R], env());
    expect(result).toEqual({ code: 0, stdout: `${PASSWORD}\n`, stderr: "" });
  });

  test("--format password prints the same", async () => {
    const result = await runInProcess([...R, "-f", "password", "-q"], env());
    expect(result).toEqual({ code: 0, stdout: `${PASSWORD}\n`, stderr: "" });
  });

  test("refuses a terminal as stdout, before any AWS call; --force prints", async () => {
    const before = emu.requests.length;
    const refused = await runInProcess(["get-login-password", ...R], env(), { stdoutIsTty: true });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toBe(
      "ecr-vars: error: stdout is a terminal: the password format would print the password on the screen\n" +
        "  fix: pipe it into the login command (... | docker login --username AWS --password-stdin HOST), or add --force\n",
    );
    expect(emu.requests.length).toBe(before);
    const forced = await runInProcess(["get-login-password", ...R, "--force"], env(), {
      stdoutIsTty: true,
    });
    expect(forced.stdout).toBe(`${PASSWORD}\n`);
  });

  test("several registries: refused, naming the fix", async () => {
    const result = await runInProcess(
      [
        "get-login-password",
        ...R,
        "--registry-id",
        "111111111111",
        "--registry-id",
        "222222222222",
      ],
      env(),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "prints one registry's password, and this run has 2 registries",
    );
  });
});

describe("secrets in clear to a terminal", () => {
  test("sh to an interactive terminal: one line of warning on stderr; not with --force", async () => {
    const warned = await runInProcess([...R, "-f", "sh"], env(), { stdoutIsTty: true });
    expect(warned.code).toBe(0);
    const warnings = warned.stderr.split("\n").filter((l) => l.startsWith("warning:"));
    expect(warnings).toEqual([
      'warning: stdout is a terminal and the sh output holds secrets in clear: load it directly (e.g. eval "$(ecr-vars ...)") or write a file with --output FILE; --force silences this',
    ]);
    const forced = await runInProcess([...R, "-f", "sh", "--force"], env(), { stdoutIsTty: true });
    expect(forced.stderr).not.toContain("warning:");
    const piped = await runInProcess([...R, "-f", "sh"], env());
    expect(piped.stderr).not.toContain("warning:");
  });
});

describe("colour", () => {
  const RED_ERROR = "ecr-vars: \x1b[31merror\x1b[0m: unknown option --regoin";
  test("only on a terminal, and never with NO_COLOR or TERM=dumb", async () => {
    const tty = { stderrIsTty: true };
    expect((await runInProcess(["--regoin"], cleanEnv(), tty)).stderr).toContain(RED_ERROR);
    const piped = await runInProcess(["--regoin"], cleanEnv());
    expect(piped.stderr).toContain("ecr-vars: error: unknown option --regoin");
    for (const extra of [{ NO_COLOR: "1" }, { TERM: "dumb" }]) {
      const plain = await runInProcess(["--regoin"], cleanEnv(extra), tty);
      expect(plain.stderr).not.toContain("\x1b[");
    }
  });

  test("the warning label too; the text itself is never coloured", async () => {
    const result = await runInProcess([...R, "-f", "sh"], env(), {
      stdoutIsTty: true,
      stderrIsTty: true,
    });
    expect(result.stderr).toContain("\x1b[33mwarning\x1b[0m: stdout is a terminal");
    const ESC = String.fromCharCode(27);
    const other = result.stderr.replaceAll(`${ESC}[33m`, "").replaceAll(`${ESC}[0m`, "");
    expect(other).not.toContain(ESC);
  });
});
