/**
 * The linux-x64 executable as the kubelet's image credential provider: started as
 * `ecr-vars-kubelet` (a symlink, as in a kubelet plugin directory) on a PATH without `node`, one
 * request on stdin, the answer decoded by the kubelet's strict rules; a cache hit after a miss.
 */

import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  type E2eContext,
  expectNoSecrets,
  expectNoStack,
  PROXY_DOMAIN,
  startE2e,
} from "../support/e2e-harness.js";
import { decodeResponse, encodeRequest, GROUP } from "../support/kubelet-api.js";
import { runWithInput } from "../support/registry.js";
import { LINUX_X64, requireRelease } from "./support.js";

const PASSWORD = "exe-kubelet-password-0123456789abcdefghijk";
let ctx: E2eContext;
let plugin = "";

beforeAll(async () => {
  requireRelease();
  ctx = await startE2e({
    password: PASSWORD,
    expiresAt: () => new Date(Date.now() + 12 * 3600_000),
  });
  const dir = join(ctx.dir, "credential-provider");
  await mkdir(dir);
  plugin = join(dir, "ecr-vars-kubelet");
  await symlink(LINUX_X64, plugin);
});
afterAll(async () => {
  await ctx?.close();
});

test.each(["v1", "v1beta1"] as const)(
  "%s: a miss, then a hit, answered by the executable under the plugin's name",
  async (version) => {
    const env = ctx.env({ PATH: "/nonexistent", ECR_VARS_CACHE_DIR: ctx.path(`cache-${version}`) });
    const input = encodeRequest(version, { image: `${PROXY_DOMAIN}/team/app` });
    for (const expected of [2, 0]) {
      const before = ctx.emu.requests.length;
      const result = await runWithInput(plugin, [], input, env, ctx.dir);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe("");
      expectNoSecrets(result.stderr, [PASSWORD]);
      expectNoStack(result.stderr);
      const response = decodeResponse(result.stdout, `${GROUP}/${version}`);
      expect(response.auth).toEqual({ [PROXY_DOMAIN]: { username: "AWS", password: PASSWORD } });
      expect(ctx.emu.requests.length - before).toBe(expected);
    }
  },
);

test("its version and its refusal of another apiVersion", async () => {
  const env = ctx.env({ PATH: "/nonexistent" });
  const version = await runWithInput(plugin, ["--version"], "", env);
  expect(version.stdout).toMatch(/^ecr-vars-kubelet \d+\.\d+\.\d+\n$/);
  const refused = await runWithInput(
    plugin,
    [],
    JSON.stringify({
      kind: "CredentialProviderRequest",
      apiVersion: `${GROUP}/v9`,
      image: PROXY_DOMAIN,
    }),
    env,
  );
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(
    /^ecr-vars-kubelet: apiVersion .* is not one this provider answers/,
  );
});
