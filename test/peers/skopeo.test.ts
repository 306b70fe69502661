/**
 * End to end with real clients: Debian's docker-registry (htpasswd user AWS, the emulator's
 * password) stands in for ECR's registry, skopeo pushes a small umoci-built OCI image to it three
 * ways, then pulls it back. The registry keeps its real ECR name in every URL and auth entry;
 * a loopback forward proxy (HTTP_PROXY) delivers the requests to the local registry.
 */

import { execFile } from "node:child_process";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { CLI } from "../support/cli.js";
import { type E2eContext, PROXY_DOMAIN } from "../support/e2e-harness.js";
import type { TestProxy } from "../support/proxy.js";
import { HELPER, runWithInput } from "../support/registry.js";
import { type SkopeoBed, startSkopeoBed } from "../support/skopeo-bed.js";

const run = promisify(execFile);
const PASSWORD = "skopeo-peer-password-0123456789abcdefghijklmnopqrstuv";
let bed: SkopeoBed | undefined;
let ctx: E2eContext;
let proxy: TestProxy | undefined;
let image = "";

beforeAll(async () => {
  bed = await startSkopeoBed(PASSWORD, "hello from ecr-vars\n");
  ({ ctx, proxy, image } = bed);
}, 60_000);

afterAll(async () => {
  await bed?.close();
});

/** skopeo with the proxy; https to the fake name fails at CONNECT, so it falls back to http. */
function skopeo(args: string[], extra: Record<string, string> = {}) {
  return run("skopeo", args, {
    env: ctx.env({
      HTTP_PROXY: proxy?.url ?? "",
      HTTPS_PROXY: proxy?.url ?? "",
      // The helper skopeo starts inherits these and honours them: it reaches the emulator
      // (AWS_ENDPOINT_URL on 127.0.0.1) directly, as a build would exempt its own endpoints.
      NO_PROXY: "127.0.0.1",
      ...extra,
    }),
    maxBuffer: 16 * 1024 * 1024,
  });
}

async function push(tag: string, authArgs: string[], extra: Record<string, string> = {}) {
  const { stdout } = await skopeo(
    [
      "copy",
      "--dest-tls-verify=false",
      ...authArgs,
      "--digestfile",
      ctx.path(`${tag}.digest`),
      image,
      `docker://${PROXY_DOMAIN}/app:${tag}`,
    ],
    extra,
  );
  const digest = (await readFile(ctx.path(`${tag}.digest`), "utf8")).trim();
  console.log(`push ${tag}: ${PROXY_DOMAIN}/app:${tag} ${digest}`);
  return { digest, stdout };
}

test("the registry refuses a push without credentials (the test can fail)", async () => {
  await expect(
    skopeo([
      "copy",
      "--dest-tls-verify=false",
      "--authfile",
      ctx.path("none.json"),
      image,
      `docker://${PROXY_DOMAIN}/app:anon`,
    ]),
  ).rejects.toThrow(/unauthorized|authentication required/i);
});

test("three pushes (auth file, credential helper, exec) and a pull give one digest", async () => {
  // (a) --format docker-config writes the auths entry skopeo reads.
  const authfile = ctx.path("auth.json");
  const written = await run(
    process.execPath,
    [CLI, "--region", "eu-west-1", "--format", "docker-config", "--output", authfile],
    { env: ctx.env() },
  );
  expect(written.stderr).not.toContain(PASSWORD);
  const a = await push("a", ["--authfile", authfile]);

  // (b) credHelpers → docker-credential-ecr-vars on PATH (a wrapper running the built bin).
  const bin = ctx.path("bin");
  await mkdir(bin);
  const wrapper = join(bin, "docker-credential-ecr-vars");
  await writeFile(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${HELPER}" "$@"\n`);
  await chmod(wrapper, 0o755);
  const helperAuth = ctx.path("helper-auth.json");
  await run(
    process.execPath,
    [
      CLI,
      "--region",
      "eu-west-1",
      "--format",
      "docker-config",
      "--credential-helper",
      "--output",
      helperAuth,
    ],
    { env: ctx.env() },
  );
  expect(await readFile(helperAuth, "utf8")).not.toContain(
    Buffer.from(`AWS:${PASSWORD}`).toString("base64"),
  );
  const before = ctx.emu.requests.length;
  const b = await push("b", ["--authfile", helperAuth], {
    PATH: `${bin}:${process.env.PATH ?? ""}`,
    ECR_VARS_CACHE_DIR: ctx.path("cache"),
  });
  const helperCalls = ctx.emu.requests.slice(before).map((r) => `${r.service}:${r.action}`);
  console.log(`push b: the helper made ${helperCalls.length} AWS calls: ${helperCalls.join(", ")}`);
  expect(helperCalls).toContain("ecr:GetAuthorizationToken");

  // (c) under exec: the variables are in the environment; a shell builtin writes a private auth
  // file from them (the password is in no argv), and the child's output is masked.
  const script = [
    "umask 077",
    `printf '{"auths":{"%s":{"auth":"%s"}}}' "$CUSTOM_AWS_ECR_PROXYENDPOINTDOMAIN" "$CUSTOM_AWS_ECR_AUTHORIZATIONTOKEN_PASSWORD" > "$EXEC_AUTH"`,
    `skopeo copy --dest-tls-verify=false --authfile "$EXEC_AUTH" --digestfile "$EXEC_DIGEST" ${image} "docker://$CUSTOM_AWS_ECR_PROXYENDPOINTDOMAIN/app:c"`,
    `echo "password is $CUSTOM_AWS_ECR_PASSWORD"`,
  ].join("\n");
  const exec = await runWithInput(
    process.execPath,
    [CLI, "exec", "--region", "eu-west-1", "--", "sh", "-c", script],
    "",
    ctx.env({
      HTTP_PROXY: proxy?.url ?? "",
      HTTPS_PROXY: proxy?.url ?? "",
      NO_PROXY: "127.0.0.1",
      EXEC_AUTH: ctx.path("exec-auth.json"),
      EXEC_DIGEST: ctx.path("c.digest"),
    }),
  );
  expect(exec.code, exec.stderr).toBe(0);
  expect(exec.stdout).toContain("password is ********");
  expect(exec.stdout + exec.stderr).not.toContain(PASSWORD);
  const c = (await readFile(ctx.path("c.digest"), "utf8")).trim();
  console.log(`push c: ${PROXY_DOMAIN}/app:c ${c}`);

  // Pull back and compare digests.
  const pulled = ctx.path("pulled");
  const { stdout } = await skopeo([
    "copy",
    "--src-tls-verify=false",
    "--authfile",
    authfile,
    "--digestfile",
    ctx.path("pull.digest"),
    `docker://${PROXY_DOMAIN}/app:b`,
    `oci:${pulled}:b`,
  ]);
  expect(stdout).toContain("Writing manifest");
  const pull = (await readFile(ctx.path("pull.digest"), "utf8")).trim();
  const inspect = JSON.parse(
    (
      await skopeo([
        "inspect",
        "--tls-verify=false",
        "--authfile",
        authfile,
        `docker://${PROXY_DOMAIN}/app:c`,
      ])
    ).stdout,
  );
  console.log(`pull b: ${pull}; inspect c: ${inspect.Digest}`);
  expect(a.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(new Set([a.digest, b.digest, c, pull, inspect.Digest]).size).toBe(1);
  expect(proxy?.seen.some((line) => line.startsWith(`PUT ${PROXY_DOMAIN}/v2/app/manifests/`))).toBe(
    true,
  );
});
