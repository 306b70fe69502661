import { describe, expect, test } from "vitest";
import { EcrVarsError } from "../../src/core/errors.js";
import type { RegistrySummary } from "../../src/core/registries.js";
import { buildVariables } from "../../src/core/variables.js";
import {
  bamboo,
  cmd,
  creds,
  dotenv,
  formatNames,
  getRenderer,
  json,
  password,
  powershell,
  type Renderer,
  type RenderPlan,
  renderers,
  sh,
} from "../../src/emit/index.js";
import {
  AWKWARD_PASSWORD,
  ECR_PASSWORD,
  ecrVariables,
  OPTIONS,
  variable,
} from "../support/emit-fixtures.js";
import { thrownBy } from "../support/thrown.js";

const thrown = (action: () => unknown) => thrownBy(EcrVarsError, action);

describe("registry", () => {
  test("lists the formats in documentation order", () => {
    expect(formatNames).toEqual([
      "bamboo",
      "sh",
      "powershell",
      "cmd",
      "dotenv",
      "json",
      "password",
      "creds",
      "docker-config",
      "helm-config",
      "kaniko-config",
      "kubernetes",
      "github",
      "gitlab",
      "azure",
      "circleci",
      "jenkins",
      "buildkite",
    ]);
    expect(renderers.map((r) => r.name)).toEqual(formatNames);
  });

  test.each(formatNames)("getRenderer(%j) returns the renderer of that name", (name) => {
    expect(getRenderer(name)?.name).toBe(name);
  });

  test.each(["", "SH", "yaml", "toString", "__proto__", "constructor"])(
    "getRenderer(%j) is undefined",
    (name) => {
      expect(getRenderer(name)).toBeUndefined();
    },
  );

  test.each(renderers.map((r): [string, Renderer] => [r.name, r]))(
    "%s has a one-line description and masking statement",
    (_name, renderer) => {
      for (const text of [renderer.description, renderer.masking]) {
        expect(text.trim()).not.toBe("");
        expect(text).not.toMatch(/[\r\n]/);
      }
    },
  );

  // A run without --format inside the CI prints this first (README, "Quick start").
  test.each(
    renderers.filter((r) => r.ci !== undefined).map((r): [string, Renderer] => [r.name, r]),
  )("%s, a CI's default format, says how a job loads its variables", (_name, renderer) => {
    const text = renderer.loading?.("ecr-vars.env") ?? "";
    expect(text).toMatch(
      /\$GITHUB_ENV|\$BASH_ENV|\. '\.\/ecr-vars\.env'|ecr-vars\.env|logging commands/,
    );
    expect(text).not.toMatch(/[\r\n]/);
  });
});

describe("rendering the variables of one registry", () => {
  const variables = ecrVariables(ECR_PASSWORD);

  test("bamboo", () => {
    const plan = bamboo.render(variables, OPTIONS);
    expect(plan.text).toMatchInlineSnapshot(`
      "# Amazon ECR credentials from ecr-vars, for the "Inject Bamboo variables" task
      ecr.authorizationToken.password=QVdTOmV5SndZWGxzYjJGa0lqb2lRVUpESzJSbFppOW5hR2s5SWl3aWRtVnljMmx2YmlJNklqSWlmUT09
      ecr.expirationDate=2026-11-26T11:39:00Z
      ecr.proxyEndpoint=https://123456789012.dkr.ecr.eu-west-1.amazonaws.com
      ecr.proxyEndpointDomain=123456789012.dkr.ecr.eu-west-1.amazonaws.com
      ecr.username=AWS
      ecr.password=eyJwYXlsb2FkIjoiQUJDK2RlZi9naGk9IiwidmVyc2lvbiI6IjIifQ==
      ecr.credentials.json.password={"authorizationToken":"QVdTOmV5SndZWGxzYjJGa0lqb2lRVUpESzJSbFppOW5hR2s5SWl3aWRtVnljMmx2YmlJNklqSWlmUT09","expirationDate":"2026-11-26T11:39:00Z","proxyEndpoint":"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com","proxyEndpointDomain":"123456789012.dkr.ecr.eu-west-1.amazonaws.com","username":"AWS","password":"eyJwYXlsb2FkIjoiQUJDK2RlZi9naGk9IiwidmVyc2lvbiI6IjIifQ=="}
      "
    `);
    expect(plan.notes).toMatchInlineSnapshot(`
      [
        "Use an "Inject Bamboo variables" task with these settings:",
        "  Path to properties file: (write the file with --output FILE and give that path, relative to the working directory)",
        "  Namespace: custom.aws",
        "  Scope of the variables: LOCAL",
      ]
    `);
  });

  test("bamboo, written to a file with result scope", () => {
    const plan = bamboo.render(variables, {
      ...OPTIONS,
      scope: "result",
      outputPath: "ecr.properties",
    });
    expect(plan.notes).toMatchInlineSnapshot(`
      [
        "Use an "Inject Bamboo variables" task with these settings:",
        "  Path to properties file: ecr.properties",
        "  Namespace: custom.aws",
        "  Scope of the variables: RESULT",
      ]
    `);
  });

  test("sh", () => {
    const plan = sh.render(variables, OPTIONS);
    expect(plan.text).toMatchInlineSnapshot(`
      "export bamboo_custom_aws_ecr_authorizationToken_password='QVdTOmV5SndZWGxzYjJGa0lqb2lRVUpESzJSbFppOW5hR2s5SWl3aWRtVnljMmx2YmlJNklqSWlmUT09'
      export bamboo_custom_aws_ecr_expirationDate='2026-11-26T11:39:00Z'
      export bamboo_custom_aws_ecr_proxyEndpoint='https://123456789012.dkr.ecr.eu-west-1.amazonaws.com'
      export bamboo_custom_aws_ecr_proxyEndpointDomain='123456789012.dkr.ecr.eu-west-1.amazonaws.com'
      export bamboo_custom_aws_ecr_username='AWS'
      export bamboo_custom_aws_ecr_password='eyJwYXlsb2FkIjoiQUJDK2RlZi9naGk9IiwidmVyc2lvbiI6IjIifQ=='
      export bamboo_custom_aws_ecr_credentials_json_password='{"authorizationToken":"QVdTOmV5SndZWGxzYjJGa0lqb2lRVUpESzJSbFppOW5hR2s5SWl3aWRtVnljMmx2YmlJNklqSWlmUT09","expirationDate":"2026-11-26T11:39:00Z","proxyEndpoint":"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com","proxyEndpointDomain":"123456789012.dkr.ecr.eu-west-1.amazonaws.com","username":"AWS","password":"eyJwYXlsb2FkIjoiQUJDK2RlZi9naGk9IiwidmVyc2lvbiI6IjIifQ=="}'
      "
    `);
    expect(plan.notes).toMatchInlineSnapshot(`
      [
        "load with: eval "$(ecr-vars ...)"",
      ]
    `);
  });

  test("powershell", () => {
    const plan = powershell.render(variables, OPTIONS);
    expect(plan.text).toMatchInlineSnapshot(`
      "$Env:bamboo_custom_aws_ecr_authorizationToken_password = 'QVdTOmV5SndZWGxzYjJGa0lqb2lRVUpESzJSbFppOW5hR2s5SWl3aWRtVnljMmx2YmlJNklqSWlmUT09'
      $Env:bamboo_custom_aws_ecr_expirationDate = '2026-11-26T11:39:00Z'
      $Env:bamboo_custom_aws_ecr_proxyEndpoint = 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com'
      $Env:bamboo_custom_aws_ecr_proxyEndpointDomain = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
      $Env:bamboo_custom_aws_ecr_username = 'AWS'
      $Env:bamboo_custom_aws_ecr_password = 'eyJwYXlsb2FkIjoiQUJDK2RlZi9naGk9IiwidmVyc2lvbiI6IjIifQ=='
      $Env:bamboo_custom_aws_ecr_credentials_json_password = '{"authorizationToken":"QVdTOmV5SndZWGxzYjJGa0lqb2lRVUpESzJSbFppOW5hR2s5SWl3aWRtVnljMmx2YmlJNklqSWlmUT09","expirationDate":"2026-11-26T11:39:00Z","proxyEndpoint":"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com","proxyEndpointDomain":"123456789012.dkr.ecr.eu-west-1.amazonaws.com","username":"AWS","password":"eyJwYXlsb2FkIjoiQUJDK2RlZi9naGk9IiwidmVyc2lvbiI6IjIifQ=="}'
      "
    `);
    expect(plan.notes).toMatchInlineSnapshot(`
      [
        "load with: ecr-vars ... | Out-String | Invoke-Expression",
      ]
    `);
  });

  test("cmd", () => {
    const plan = cmd.render(variables, { ...OPTIONS, outputPath: "ecr.cmd" });
    expect(plan.text).toMatchInlineSnapshot(`
      "@set "bamboo_custom_aws_ecr_authorizationToken_password=QVdTOmV5SndZWGxzYjJGa0lqb2lRVUpESzJSbFppOW5hR2s5SWl3aWRtVnljMmx2YmlJNklqSWlmUT09"
      @set "bamboo_custom_aws_ecr_expirationDate=2026-11-26T11:39:00Z"
      @set "bamboo_custom_aws_ecr_proxyEndpoint=https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"
      @set "bamboo_custom_aws_ecr_proxyEndpointDomain=123456789012.dkr.ecr.eu-west-1.amazonaws.com"
      @set "bamboo_custom_aws_ecr_username=AWS"
      @set "bamboo_custom_aws_ecr_password=eyJwYXlsb2FkIjoiQUJDK2RlZi9naGk9IiwidmVyc2lvbiI6IjIifQ=="
      @set "bamboo_custom_aws_ecr_credentials_json_password={"authorizationToken":"QVdTOmV5SndZWGxzYjJGa0lqb2lRVUpESzJSbFppOW5hR2s5SWl3aWRtVnljMmx2YmlJNklqSWlmUT09","expirationDate":"2026-11-26T11:39:00Z","proxyEndpoint":"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com","proxyEndpointDomain":"123456789012.dkr.ecr.eu-west-1.amazonaws.com","username":"AWS","password":"eyJwYXlsb2FkIjoiQUJDK2RlZi9naGk9IiwidmVyc2lvbiI6IjIifQ=="}"
      "
    `);
    expect(plan.notes).toMatchInlineSnapshot(`
      [
        "load with: call "ecr.cmd"",
      ]
    `);
  });

  test("dotenv", () => {
    const plan = dotenv.render(variables, OPTIONS);
    expect(plan.text).toMatchInlineSnapshot(`
      "bamboo_custom_aws_ecr_authorizationToken_password=QVdTOmV5SndZWGxzYjJGa0lqb2lRVUpESzJSbFppOW5hR2s5SWl3aWRtVnljMmx2YmlJNklqSWlmUT09
      bamboo_custom_aws_ecr_expirationDate=2026-11-26T11:39:00Z
      bamboo_custom_aws_ecr_proxyEndpoint=https://123456789012.dkr.ecr.eu-west-1.amazonaws.com
      bamboo_custom_aws_ecr_proxyEndpointDomain=123456789012.dkr.ecr.eu-west-1.amazonaws.com
      bamboo_custom_aws_ecr_username=AWS
      bamboo_custom_aws_ecr_password=eyJwYXlsb2FkIjoiQUJDK2RlZi9naGk9IiwidmVyc2lvbiI6IjIifQ==
      bamboo_custom_aws_ecr_credentials_json_password='{"authorizationToken":"QVdTOmV5SndZWGxzYjJGa0lqb2lRVUpESzJSbFppOW5hR2s5SWl3aWRtVnljMmx2YmlJNklqSWlmUT09","expirationDate":"2026-11-26T11:39:00Z","proxyEndpoint":"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com","proxyEndpointDomain":"123456789012.dkr.ecr.eu-west-1.amazonaws.com","username":"AWS","password":"eyJwYXlsb2FkIjoiQUJDK2RlZi9naGk9IiwidmVyc2lvbiI6IjIifQ=="}'
      "
    `);
    expect(plan.notes).toMatchInlineSnapshot(`
      [
        "write it to a file with --output; dotenv loaders read files, not stdout",
      ]
    `);
  });

  test("json", () => {
    const plan = json.render(variables, OPTIONS);
    expect(plan.text).toMatchInlineSnapshot(`
      "{
        "custom.aws.ecr.authorizationToken.password": "QVdTOmV5SndZWGxzYjJGa0lqb2lRVUpESzJSbFppOW5hR2s5SWl3aWRtVnljMmx2YmlJNklqSWlmUT09",
        "custom.aws.ecr.expirationDate": "2026-11-26T11:39:00Z",
        "custom.aws.ecr.proxyEndpoint": "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
        "custom.aws.ecr.proxyEndpointDomain": "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
        "custom.aws.ecr.username": "AWS",
        "custom.aws.ecr.password": "eyJwYXlsb2FkIjoiQUJDK2RlZi9naGk9IiwidmVyc2lvbiI6IjIifQ==",
        "custom.aws.ecr.credentials.json.password": "{\\"authorizationToken\\":\\"QVdTOmV5SndZWGxzYjJGa0lqb2lRVUpESzJSbFppOW5hR2s5SWl3aWRtVnljMmx2YmlJNklqSWlmUT09\\",\\"expirationDate\\":\\"2026-11-26T11:39:00Z\\",\\"proxyEndpoint\\":\\"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com\\",\\"proxyEndpointDomain\\":\\"123456789012.dkr.ecr.eu-west-1.amazonaws.com\\",\\"username\\":\\"AWS\\",\\"password\\":\\"eyJwYXlsb2FkIjoiQUJDK2RlZi9naGk9IiwidmVyc2lvbiI6IjIifQ==\\"}"
      }
      "
    `);
    expect(plan.notes).toEqual([]);
  });

  /** Everything a plan writes: its text and the text of its other outputs (CI file commands). */
  function written(plan: RenderPlan | undefined): string {
    if (plan === undefined) return "";
    const extra = (plan.extra ?? []).map((e) => (e.kind === "command" ? e.stdin : e.text));
    return [plan.text, ...extra].join("");
  }

  // docker-config writes registry logins, not the variables one by one (test/unit/docker-config.test.ts).
  // password and creds print one login (their own tests below); kubernetes writes Secrets of the
  // logins (test/unit/kubernetes-secret.test.ts).
  const variableFormats = renderers
    .filter(
      (r) =>
        r.merge === undefined &&
        r.name !== "password" &&
        r.name !== "creds" &&
        r.name !== "kubernetes",
    )
    .map((r) => r.name);
  test.each(variableFormats)("%s keeps the input order", (name) => {
    const names = ["c.d.zulu", "c.d.alpha", "c.d.mike"];
    const values = names.map((n) => variable(`value-of-${n.slice(4)}`, n));
    const text = written(getRenderer(name)?.render(values, OPTIONS));
    const positions = values.map((v) => text.indexOf(v.value));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  // password and creds print the bare login: no names at all.
  const named = formatNames.filter((n) => n !== "password" && n !== "creds");
  test.each(named)("%s uses the env naming", (name) => {
    const text = written(getRenderer(name)?.render(variables, { ...OPTIONS, envNaming: "upper" }));
    expect(text).not.toContain("bamboo_");
    expect(text).toContain("ecr");
  });

  // The formats that write environment names: upper case outside Bamboo, nothing else of Bamboo's.
  test.each([
    "sh",
    "powershell",
    "cmd",
    "dotenv",
    "github",
    "gitlab",
    "circleci",
    "jenkins",
    "buildkite",
  ])("%s names CUSTOM_AWS_ECR_PASSWORD with upper-case naming", (name) => {
    const text = written(getRenderer(name)?.render(variables, { ...OPTIONS, envNaming: "upper" }));
    expect(text).toContain("CUSTOM_AWS_ECR_PASSWORD");
    expect(text).not.toMatch(/custom_aws/);
  });
});

describe("awkward values", () => {
  test("bamboo escapes them into pure ASCII", () => {
    const text = bamboo.render([variable(AWKWARD_PASSWORD)], OPTIONS).text;
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    expect(text).toMatchInlineSnapshot(`
      "# Amazon ECR credentials from ecr-vars, for the "Inject Bamboo variables" task
      ecr.password=\\ p'a"s$s\`w\\\\o\\\\\\\\rd = : # ! %PATH% ^ & | < > ; \\uD83D\\uDCA5 \\u00E9\\n\\tline2 $(id) \${HOME} 
      "
    `);
  });

  test("bamboo escapes separators, comment marks and whitespace in keys", () => {
    const text = bamboo.render([variable("v", "a.b.k e=y:#!\\\t\u00e9")], OPTIONS).text;
    expect(text.split("\n")[1]).toBe("k\\ e\\=y\\:\\#\\!\\\\\\t\\u00E9=v");
  });

  test("powershell splices non-ASCII and control characters in as [char]", () => {
    const text = powershell.render([variable("it\u2019s 'ok'\n\u{1f4a5}")], OPTIONS).text;
    expect(text).toBe(
      "$Env:bamboo_custom_aws_ecr_password = 'it' + [char]0x2019 + 's ''ok''' + [char]0x000A + [char]0xD83D + [char]0xDCA5\n",
    );
  });

  test("powershell starts with a string so that + concatenates", () => {
    const text = powershell.render([variable("\u00e9")], OPTIONS).text;
    expect(text).toBe("$Env:bamboo_custom_aws_ecr_password = '' + [char]0x00E9\n");
  });

  test("powershell notes that an empty value unsets the variable", () => {
    expect(powershell.render([variable("")], OPTIONS).notes).toContain(
      "custom.aws.ecr.password is empty: PowerShell unsets it",
    );
  });

  test.each([
    ["plain", "AWS", "AWS"],
    ["plain URL", "https://a.example:443/x", "https://a.example:443/x"],
    ["empty", "", ""],
    ["single-quoted JSON", '{"a":"b c"}', `'{"a":"b c"}'`],
    ["single-quoted $ and #", "$HOME #x", "'$HOME #x'"],
    ["double-quoted apostrophe", "it's", `"it's"`],
    ["double-quoted line break", "a\nb\r\n", `"a\\nb\\r\\n"`],
    ["double-quoted backslash pair", "a\\\\b c", undefined],
  ])("dotenv spells %s as %j", (_case, value, spelled) => {
    const render = () => dotenv.render([variable(value)], OPTIONS).text;
    if (spelled === undefined) {
      expect(thrown(render).code).toBe("UNREPRESENTABLE_VALUE");
    } else {
      expect(render()).toBe(`bamboo_custom_aws_ecr_password=${spelled}\n`);
    }
  });

  test("cmd caret-escapes operators only where a quote in the value left the quoted region", () => {
    const text = cmd.render([variable('a&b"c&d^e"f&g %x%')], OPTIONS).text;
    expect(text).toBe('@set "bamboo_custom_aws_ecr_password=a&b"c^&d^^e"f&g %%x%%"\r\n');
  });

  test("notes never contain a secret value", () => {
    const all = ecrVariables(ECR_PASSWORD);
    const secrets = all.filter((v) => v.secret);
    for (const renderer of renderers) {
      const notes = renderer.render(all, { ...OPTIONS, outputPath: "out" }).notes.join("\n");
      for (const secret of secrets) expect(notes).not.toContain(secret.value);
    }
  });
});

describe("errors", () => {
  test.each(["sh", "powershell", "dotenv"])(
    "%s refuses a namespace that does not make an identifier",
    (name) => {
      const variables = ecrVariables(ECR_PASSWORD, "my-ns");
      const error = thrown(() => getRenderer(name)?.render(variables, OPTIONS));
      expect(error.code).toBe("INVALID_ENV_NAME");
      expect(error.kind).toBe("config");
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain("my-ns.ecr.authorizationToken.password");
      expect(error.hint).toMatch(/namespace of letters, digits and underscores.*--env-prefix/);
    },
  );

  test("cmd accepts a namespace with a dash, which cmd names allow", () => {
    const text = cmd.render(ecrVariables(ECR_PASSWORD, "my-ns"), OPTIONS).text;
    expect(text).toContain('@set "bamboo_my-ns_ecr_username=AWS"\r\n');
  });

  test.each(["sh", "powershell", "dotenv", "cmd"])(
    "%s refuses an env prefix starting with a digit",
    (name) => {
      const error = thrown(() =>
        getRenderer(name)?.render([variable("x")], { ...OPTIONS, envNaming: { prefix: "1_" } }),
      );
      expect(error.code).toBe("INVALID_ENV_NAME");
    },
  );

  const secret = "s3cr3t-VALUE";
  test.each([
    ["cmd", "a line feed", `${secret}\nx`],
    ["cmd", "a carriage return", `${secret}\rx`],
    ["cmd", "an exclamation mark", `${secret}!`],
    ["cmd", "non-ASCII", `${secret}\u00e9`],
    ["cmd", "a control character", `${secret}\x1b`],
    ["cmd", "a line past 8191 characters", secret.repeat(700)],
    ["dotenv", "the awkward password", `${secret}${AWKWARD_PASSWORD}`],
    ["sh", "a NUL", `${secret}\0`],
    ["powershell", "a lone surrogate", `${secret}\ud800`],
  ])("%s refuses a value with %s without revealing it", (name, _case, value) => {
    const error = thrown(() => getRenderer(name)?.render([variable(value)], OPTIONS));
    expect(error.code).toBe("UNREPRESENTABLE_VALUE");
    expect(error.kind).toBe("output");
    expect(error.exitCode).toBe(5);
    expect(error.message).toContain("custom.aws.ecr.password");
    expect(error.hint).toMatch(/--format/);
    expect(`${error.message} ${error.hint} ${error.stack}`).not.toContain(secret);
  });
});

describe("password", () => {
  const seven = buildVariables(
    {
      authorizationToken: Buffer.from("AWS:the-registry-password").toString("base64"),
      expiresAt: new Date("2031-05-06T07:08:09Z"),
      proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
    },
    "custom.aws",
  );

  test("prints the password and a newline, nothing else (as aws ecr get-login-password)", () => {
    expect(password.render(seven, OPTIONS)).toEqual({ text: "the-registry-password\n", notes: [] });
  });

  test("refuses a run of several registries, naming the fix", () => {
    const two = [{ registry: "a" }, { registry: "b" }] as unknown as RegistrySummary[];
    expect(() => password.render(seven, { ...OPTIONS, registries: two })).toThrow(
      /prints one registry's password, and this run has 2 registries/,
    );
  });

  test("declares itself a bare secret: stdout, clear, refused on a terminal", () => {
    expect(password.defaultOutput).toEqual({ kind: "stdout" });
    expect(password.maskingKind).toBe("clear");
    expect(password.refuseTerminal).toBe(true);
  });
});

describe("creds", () => {
  const login = (user: string, secret: string) =>
    buildVariables(
      {
        authorizationToken: Buffer.from(`${user}:${secret}`).toString("base64"),
        expiresAt: new Date("2031-05-06T07:08:09Z"),
        proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      },
      "custom.aws",
    );

  test("prints USER:PASSWORD and a newline, which crictl and ctr split at the first colon", () => {
    const { text } = creds.render(login("AWS", "the-registry-password"), OPTIONS);
    expect(text).toBe("AWS:the-registry-password\n");
    // Both readers: the user is what precedes the first ':', the password all that follows.
    const line = text.trimEnd();
    const at = line.indexOf(":");
    expect([line.slice(0, at), line.slice(at + 1)]).toEqual(["AWS", "the-registry-password"]);
  });

  test("a password with colons stays whole after the first split", () => {
    const line = creds.render(login("AWS", "a:b:c"), OPTIONS).text.trimEnd();
    expect(line.slice(line.indexOf(":") + 1)).toBe("a:b:c");
  });

  test("refuses a run of several registries, naming the fix", () => {
    const two = [{ registry: "a" }, { registry: "b" }] as unknown as RegistrySummary[];
    const error = thrown(() => creds.render(login("AWS", "p"), { ...OPTIONS, registries: two }));
    expect(error.message).toMatch(/prints one registry's login, and this run has 2 registries/);
    expect(error.exitCode).toBe(2);
  });

  test("declares itself a bare secret: stdout, clear, refused on a terminal", () => {
    expect(creds.defaultOutput).toEqual({ kind: "stdout" });
    expect(creds.maskingKind).toBe("clear");
    expect(creds.refuseTerminal).toBe(true);
  });
});
