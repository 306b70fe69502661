/**
 * skopeo pushes through the linux-x64 executable serving as `docker-credential-ecr-vars`, on a
 * PATH that holds the helper and no `node`. Peers (Debian packages, installed by .ci/run):
 * skopeo, umoci, docker-registry with htpasswd from apache2-utils. As in the peers suite, the
 * registry keeps its real ECR name; a loopback forward proxy delivers the requests to it.
 */

import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type E2eContext, PROXY_DOMAIN } from "../support/e2e-harness.js";
import type { TestProxy } from "../support/proxy.js";
import { type SkopeoBed, startSkopeoBed } from "../support/skopeo-bed.js";
import { helperBin, LINUX_X64, requireRelease } from "./support.js";

const run = promisify(execFile);
const PASSWORD = "exe-skopeo-password-0123456789abcdefghijklmnopq";
let bed: SkopeoBed | undefined;
let ctx: E2eContext;
let proxy: TestProxy | undefined;
let image = "";
let bin = "";

beforeAll(async () => {
  requireRelease();
  bed = await startSkopeoBed(PASSWORD, "hello from the ecr-vars executable\n");
  ({ ctx, proxy, image } = bed);
  bin = await helperBin(ctx.dir);
}, 60_000);

afterAll(async () => {
  await bed?.close();
});

/** skopeo by absolute path; PATH is the helper's directory alone. */
function skopeo(args: string[]) {
  return run("/usr/bin/skopeo", args, {
    env: ctx.env({
      PATH: bin,
      HTTP_PROXY: proxy?.url ?? "",
      HTTPS_PROXY: proxy?.url ?? "",
      // The helper reaches the emulator (AWS_ENDPOINT_URL on 127.0.0.1) directly.
      NO_PROXY: "127.0.0.1",
      ECR_VARS_CACHE_DIR: ctx.path("cache"),
    }),
    maxBuffer: 16 * 1024 * 1024,
  });
}

test("skopeo pushes and pulls through the executable as credential helper", async () => {
  // The executable itself writes the auth file that names the helper for the registry.
  const authfile = ctx.path("auth.json");
  const written = await run(
    LINUX_X64,
    [
      "--region",
      "eu-west-1",
      "--format",
      "docker-config",
      "--credential-helper",
      "--output",
      authfile,
    ],
    { env: ctx.env({ PATH: bin }) },
  );
  expect(written.stderr).not.toContain(PASSWORD);
  const config = JSON.parse(await readFile(authfile, "utf8"));
  expect(config.credHelpers).toEqual({ [PROXY_DOMAIN]: "ecr-vars" });
  expect(config.auths?.[PROXY_DOMAIN]).toBeUndefined();

  // Without the helper on PATH the registry refuses the push (this test can fail).
  await expect(
    run(
      "/usr/bin/skopeo",
      [
        "copy",
        "--dest-tls-verify=false",
        "--authfile",
        authfile,
        image,
        `docker://${PROXY_DOMAIN}/app:none`,
      ],
      {
        env: ctx.env({ PATH: "/nonexistent", HTTP_PROXY: proxy?.url ?? "", NO_PROXY: "127.0.0.1" }),
      },
    ),
  ).rejects.toThrow();

  const before = ctx.emu.requests.length;
  await skopeo([
    "copy",
    "--dest-tls-verify=false",
    "--authfile",
    authfile,
    "--digestfile",
    ctx.path("push.digest"),
    image,
    `docker://${PROXY_DOMAIN}/app:exe`,
  ]);
  const calls = ctx.emu.requests.slice(before).map((r) => `${r.service}:${r.action}`);
  expect(calls).toContain("ecr:GetAuthorizationToken");
  const pushed = (await readFile(ctx.path("push.digest"), "utf8")).trim();
  expect(pushed).toMatch(/^sha256:[0-9a-f]{64}$/);

  await skopeo([
    "copy",
    "--src-tls-verify=false",
    "--authfile",
    authfile,
    "--digestfile",
    ctx.path("pull.digest"),
    `docker://${PROXY_DOMAIN}/app:exe`,
    `oci:${ctx.path("pulled")}:exe`,
  ]);
  expect((await readFile(ctx.path("pull.digest"), "utf8")).trim()).toBe(pushed);
  expect(proxy?.seen.some((line) => line.startsWith(`PUT ${PROXY_DOMAIN}/v2/app/manifests/`))).toBe(
    true,
  );
  console.log(
    `skopeo through the executable: ${PROXY_DOMAIN}/app:exe ${pushed}; AWS calls ${calls}`,
  );
});
