/**
 * Each client's file, written by ecr-vars and read back by that client where Debian has it
 * (docs/clients.md): podman and skopeo through $REGISTRY_AUTH_FILE, Helm's registry config and
 * kaniko's config.json by skopeo (the same Docker config.json format; Helm and kaniko are not in
 * Debian), and `--format creds` by ctr against a private containerd. The registry is Debian's
 * docker-registry under ECR's name behind a loopback proxy (test/support/skopeo-bed.ts), so a
 * wrong password is refused with 401 and the test fails.
 */

import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CLI } from "../support/cli.js";
import { type Containerd, startContainerd } from "../support/containerd.js";
import { type E2eContext, modeOf, PROXY_DOMAIN, tokenOf } from "../support/e2e-harness.js";
import { runWithInput } from "../support/registry.js";
import { type SkopeoBed, startSkopeoBed } from "../support/skopeo-bed.js";

const run = promisify(execFile);
const PASSWORD = "clients-peer-password-0123456789abcdefghijklmnopqrstu";
let bed: SkopeoBed | undefined;
let ctx: E2eContext;
let containerd: Containerd | undefined;

beforeAll(async () => {
  bed = await startSkopeoBed(PASSWORD, "hello from every client\n");
  ctx = bed.ctx;
  containerd = await startContainerd(ctx.dir);
}, 60_000);

afterAll(async () => {
  await containerd?.stop();
  await bed?.close();
});

function proxied(extra: Record<string, string> = {}) {
  const url = bed?.proxy.url ?? "";
  return ctx.env({ HTTP_PROXY: url, HTTPS_PROXY: url, NO_PROXY: "127.0.0.1", ...extra });
}

async function ecrVars(args: string[], extra: Record<string, string> = {}) {
  const result = await runWithInput(
    process.execPath,
    [CLI, "--region", "eu-west-1", ...args],
    "",
    ctx.env(extra),
    ctx.dir,
  );
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).not.toContain(PASSWORD);
  return result;
}

/** skopeo pushes the bed's image with `authArgs`; resolves to the pushed digest. */
async function push(tag: string, authArgs: string[], extra: Record<string, string> = {}) {
  const digestFile = ctx.path(`${tag}.digest`);
  await run(
    "skopeo",
    [
      "copy",
      "--dest-tls-verify=false",
      ...authArgs,
      "--digestfile",
      digestFile,
      bed?.image ?? "",
      `docker://${PROXY_DOMAIN}/app:${tag}`,
    ],
    { env: proxied(extra) },
  );
  return (await readFile(digestFile, "utf8")).trim();
}

describe("files each client reads", () => {
  test("without credentials the registry refuses the push (the tests can fail)", async () => {
    await expect(push("anonymous", ["--authfile", ctx.path("empty.json")])).rejects.toThrow(
      /unauthorized|authentication required/i,
    );
  });

  test("docker-config → $REGISTRY_AUTH_FILE: podman finds the login, skopeo pushes with it", async () => {
    const authFile = ctx.path("containers/auth.json");
    await ecrVars(["--format", "docker-config"], { REGISTRY_AUTH_FILE: authFile });
    expect(await modeOf(authFile)).toBe(0o600);
    const login = await run("podman", ["login", "--get-login", PROXY_DOMAIN], {
      env: ctx.env({ REGISTRY_AUTH_FILE: authFile }),
    });
    console.log(
      `podman login --get-login ${PROXY_DOMAIN} (REGISTRY_AUTH_FILE): ${login.stdout.trim()}`,
    );
    expect(login.stdout.trim()).toBe("AWS");
    // No --authfile: skopeo finds the file through REGISTRY_AUTH_FILE as podman does.
    const digest = await push("podman-auth-file", [], { REGISTRY_AUTH_FILE: authFile });
    console.log(`skopeo push with REGISTRY_AUTH_FILE: ${digest}`);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test("helm-config → $HELM_REGISTRY_CONFIG: Helm's auths entry, accepted by the registry", async () => {
    const helmFile = ctx.path("helm/registry/config.json");
    await ecrVars(["--format", "helm-config"], { HELM_REGISTRY_CONFIG: helmFile });
    expect(await modeOf(helmFile)).toBe(0o600);
    const config = JSON.parse(await readFile(helmFile, "utf8"));
    // Helm's credential store: auths[host].auth = base64("user:password").
    expect(config.auths[PROXY_DOMAIN]).toEqual({ auth: tokenOf(PASSWORD) });
    const login = await run("podman", [
      "login",
      "--get-login",
      "--authfile",
      helmFile,
      PROXY_DOMAIN,
    ]);
    expect(login.stdout.trim()).toBe("AWS");
    const digest = await push("helm", ["--authfile", helmFile]);
    console.log(`skopeo push with Helm's registry config: ${digest}`);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test("kaniko-config → $DOCKER_CONFIG/config.json, accepted by the registry", async () => {
    const dockerConfig = ctx.path("kaniko/.docker");
    await ecrVars(["--format", "kaniko-config"], { DOCKER_CONFIG: dockerConfig });
    const file = `${dockerConfig}/config.json`;
    expect(await modeOf(file)).toBe(0o600);
    expect(JSON.parse(await readFile(file, "utf8")).auths[PROXY_DOMAIN]).toEqual({
      auth: tokenOf(PASSWORD),
    });
    const digest = await push("kaniko", ["--authfile", file]);
    console.log(`skopeo push with kaniko's config.json: ${digest}`);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test("creds → ctr content fetch --user USER:PASSWORD fetches the pushed image", async () => {
    await push("ctr", ["--authfile", ctx.path("containers/auth.json")]);
    const { stdout } = await ecrVars(["--format", "creds"]);
    expect(stdout).toBe(`AWS:${PASSWORD}\n`);
    const address = ["--address", containerd?.socket ?? ""];
    const fetch = (user: string) =>
      run(
        "ctr",
        [...address, "content", "fetch", "--plain-http", "--user", user, `${PROXY_DOMAIN}/app:ctr`],
        { env: proxied() },
      );
    await expect(fetch("AWS:wrong-password")).rejects.toThrow(/401|unauthorized/i);
    const fetched = await fetch(stdout.trimEnd());
    expect(fetched.stdout + fetched.stderr).toMatch(/done/);
    const listed = await run("ctr", [...address, "images", "list", "--quiet"]);
    console.log(`ctr images list: ${listed.stdout.trim()}`);
    expect(listed.stdout).toContain(`${PROXY_DOMAIN}/app:ctr`);
  });
});
