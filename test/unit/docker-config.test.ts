import { describe, expect, test } from "vitest";
import { buildVariables } from "../../src/core/variables.js";
import {
  dockerConfig,
  HELPER_NAME,
  MARKER_KEY,
  mergeDockerConfig,
  type RegistryLogin,
  registryLogins,
  removeOurEntries,
} from "../../src/emit/docker-config.js";
import { OPTIONS } from "../support/emit-fixtures.js";

const HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const OTHER = "210987654321.dkr.ecr.us-east-1.amazonaws.com";
const login = (host: string, password: string): RegistryLogin => ({
  host,
  username: "AWS",
  password,
});
const auth = (password: string) => Buffer.from(`AWS:${password}`).toString("base64");
const parse = (text: string) => JSON.parse(text) as Record<string, unknown>;

const USER_FILE = JSON.stringify({
  auths: { "ghcr.io": { auth: "dXNlcjpwYXNz" }, [HOST]: { auth: "b2xkOm9sZA==" } },
  credHelpers: { "gcr.io": "gcloud" },
  credsStore: "desktop",
  proxies: { default: { httpProxy: "http://proxy:3128" } },
  "x-unknown": [1, 2, 3],
});

describe("mergeDockerConfig", () => {
  test("writes an auths entry with base64 AWS:password into an empty file", () => {
    const plan = mergeDockerConfig(undefined, [login(HOST, "pw-1")], "auths");
    const config = parse(plan.text);
    expect(config.auths).toEqual({ [HOST]: { auth: auth("pw-1") } });
    expect(config[MARKER_KEY]).toMatchObject({
      auths: { [HOST]: expect.stringMatching(/^sha256:/) },
    });
    expect(plan.text).not.toContain("pw-1");
  });

  test("keeps every other key and entry and replaces only its own host", () => {
    const config = parse(mergeDockerConfig(USER_FILE, [login(HOST, "pw-2")], "auths").text);
    const before = parse(USER_FILE);
    expect(config.auths).toEqual({
      "ghcr.io": { auth: "dXNlcjpwYXNz" },
      [HOST]: { auth: auth("pw-2") },
    });
    for (const key of ["credHelpers", "credsStore", "proxies", "x-unknown"])
      expect(config[key]).toEqual(before[key]);
  });

  test("warns that credsStore makes docker ignore auths", () => {
    const plan = mergeDockerConfig(USER_FILE, [login(HOST, "pw")], "auths");
    expect(plan.notes.join("\n")).toContain('credsStore "desktop"');
  });

  test("credential-helper mode writes a credHelpers pointer and no secret", () => {
    const plan = mergeDockerConfig(undefined, [login(HOST, "pw-3")], "credential-helper");
    const config = parse(plan.text);
    expect(config.credHelpers).toEqual({ [HOST]: HELPER_NAME });
    expect(config.auths).toEqual({});
    expect(plan.text).not.toContain(auth("pw-3"));
  });

  test("switching modes drops our own entry of the other kind (a stale auths would shadow)", () => {
    const first = mergeDockerConfig(undefined, [login(HOST, "pw")], "auths").text;
    const second = parse(mergeDockerConfig(first, [login(HOST, "pw")], "credential-helper").text);
    expect(second.auths).toEqual({});
    const third = parse(
      mergeDockerConfig(JSON.stringify(second), [login(HOST, "pw")], "auths").text,
    );
    expect(third.credHelpers).toEqual({});
    expect(third.auths).toEqual({ [HOST]: { auth: auth("pw") } });
  });

  test("a foreign credHelpers entry for the host is kept and named in a note", () => {
    const existing = JSON.stringify({ credHelpers: { [HOST]: "ecr-login" } });
    const plan = mergeDockerConfig(existing, [login(HOST, "pw")], "auths");
    expect(parse(plan.text).credHelpers).toEqual({ [HOST]: "ecr-login" });
    expect(plan.notes.join("\n")).toContain("ecr-login");
  });

  test.each([
    ["not JSON", "{auths:"],
    ["an array", "[]"],
    ["a string", '"x"'],
  ])("refuses to overwrite a file that is %s", (_name, text) => {
    expect(() => mergeDockerConfig(text, [login(HOST, "pw")], "auths")).toThrow(
      /not a JSON object/,
    );
  });

  test("a __proto__ key in the user's file stays data", () => {
    const existing = '{"__proto__": {"polluted": true}, "auths": {}}';
    const text = mergeDockerConfig(existing, [login(HOST, "pw")], "auths").text;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(text).toContain('"__proto__"');
  });
});

describe("removeOurEntries", () => {
  test("removes exactly the entries ecr-vars added", () => {
    let text = mergeDockerConfig(USER_FILE, [login(HOST, "pw")], "auths").text;
    text = mergeDockerConfig(text, [login(OTHER, "pw")], "credential-helper").text;
    const { text: after, removed } = removeOurEntries(text);
    const config = parse(after);
    expect(removed.sort()).toEqual([`auths ${HOST}`, `credHelpers ${OTHER}`]);
    expect(config.auths).toEqual({ "ghcr.io": { auth: "dXNlcjpwYXNz" } });
    expect(config.credHelpers).toEqual({ "gcr.io": "gcloud" });
    expect(config[MARKER_KEY]).toBeUndefined();
    expect(config.proxies).toEqual(parse(USER_FILE).proxies);
  });

  test("an entry someone replaced after us is not ours any more", () => {
    const ours = parse(mergeDockerConfig(undefined, [login(HOST, "pw")], "auths").text);
    (ours.auths as Record<string, unknown>)[HOST] = { auth: auth("someone-else") };
    const { text, removed } = removeOurEntries(JSON.stringify(ours));
    expect(removed).toEqual([]);
    expect((parse(text).auths as Record<string, unknown>)[HOST]).toEqual({
      auth: auth("someone-else"),
    });
  });

  test("a file without our marker is left as it was", () => {
    const { text, removed } = removeOurEntries(USER_FILE);
    expect(removed).toEqual([]);
    expect(parse(text)).toEqual(parse(USER_FILE));
  });
});

describe("the docker-config renderer", () => {
  test("takes one login per registry from the variables (single and per-registry sets)", () => {
    const base = {
      authorizationToken: auth("pw-a"),
      expiresAt: new Date("2031-01-01T00:00:00Z"),
      proxyEndpoint: `https://${HOST}`,
    };
    const other = { ...base, authorizationToken: auth("pw-b"), proxyEndpoint: `https://${OTHER}` };
    const variables = [
      ...buildVariables(base, "custom.aws"),
      ...buildVariables(base, "custom.aws", { registryId: "123456789012", region: "eu-west-1" }),
      ...buildVariables(other, "custom.aws", { registryId: "210987654321", region: "us-east-1" }),
    ];
    expect(registryLogins(variables)).toEqual([login(HOST, "pw-a"), login(OTHER, "pw-b")]);
    const plan = dockerConfig.render(variables, OPTIONS);
    expect(plan.text).toMatchInlineSnapshot(`
      "{
      	"auths": {
      		"123456789012.dkr.ecr.eu-west-1.amazonaws.com": {
      			"auth": "QVdTOnB3LWE="
      		},
      		"210987654321.dkr.ecr.us-east-1.amazonaws.com": {
      			"auth": "QVdTOnB3LWI="
      		}
      	},
      	"x-ecr-vars": {
      		"auths": {
      			"123456789012.dkr.ecr.eu-west-1.amazonaws.com": "sha256:7844b67dac12bf09fa02f92592351a8e",
      			"210987654321.dkr.ecr.us-east-1.amazonaws.com": "sha256:14f6da96002c908875a4e058d892691d"
      		},
      		"credHelpers": []
      	}
      }
      "
    `);
  });
});
