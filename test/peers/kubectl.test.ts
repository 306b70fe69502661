/**
 * `ecr-vars --format kubernetes` against kubectl itself: for the same server, user and password,
 * each Secret's `.dockerconfigjson` is byte for byte what `kubectl create secret docker-registry
 * --dry-run=client -o json` produces (no cluster needed), and the rest of the Secret is kubectl's
 * plus our label and annotation. kubectl comes from the machine (.ci/run installs Debian's
 * kubernetes-client where there is none).
 */

import { execFile } from "node:child_process";
import { afterAll, beforeAll, expect, test } from "vitest";
import { parseAllDocuments } from "yaml";
import { type E2eContext, PROXY_DOMAIN, startE2e } from "../support/e2e-harness.js";

let ctx: E2eContext;

beforeAll(async () => {
  ctx = await startE2e();
});
afterAll(async () => {
  await ctx?.close();
});

function kubectl(
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      "kubectl",
      [...args],
      // No kubeconfig: a dry run on the client must not need a cluster.
      {
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", KUBECONFIG: "/dev/null", HOME: ctx.dir },
      },
      (error, stdout, stderr) =>
        done({ code: error === null ? 0 : Number(error.code ?? -1), stdout, stderr }),
    );
  });
}

test.each([
  ["an ECR-shaped password", "eyJwYXlsb2FkIjoiQUJDK2RlZi9naGk9IiwidmVyc2lvbiI6IjIifQ=="],
  // Go's encoding/json escapes <, > and & (and kubectl is Go); the bytes must still agree.
  ["a password with characters Go escapes", "p<a>s&s\"w\\o'rd=\u00e9"],
])("%s: the Secret matches kubectl's create secret docker-registry", async (_name, password) => {
  ctx.emu.setPassword(password);
  const version = await kubectl(["version", "--client"]);
  expect(version.code, `kubectl is missing or broken: ${version.stderr}`).toBe(0);

  const ours = await ctx.run([
    "--region",
    "eu-west-1",
    "--registry-id",
    "123456789012",
    "--format",
    "kubernetes",
    "--secret-name",
    "ecr-pull",
    "--secret-namespace",
    "team-a",
    "--secret-namespace",
    "team-b",
  ]);
  expect(ours.code, ours.stderr).toBe(0);
  const secrets = parseAllDocuments(ours.stdout).map(
    (document) => document.toJS() as Record<string, Record<string, unknown>>,
  );
  expect(secrets).toHaveLength(2);

  for (const secret of secrets) {
    const namespace = String(secret.metadata?.namespace);
    const theirs = await kubectl([
      "create",
      "secret",
      "docker-registry",
      "ecr-pull",
      "--namespace",
      namespace,
      "--docker-server",
      PROXY_DOMAIN,
      "--docker-username",
      "AWS",
      "--docker-password",
      password,
      "--dry-run=client",
      "-o",
      "json",
    ]);
    expect(theirs.code, theirs.stderr).toBe(0);
    const reference = JSON.parse(theirs.stdout) as Record<string, Record<string, unknown>>;
    expect(secret.data?.[".dockerconfigjson"]).toBe(reference.data?.[".dockerconfigjson"]);
    const { labels, annotations, ...metadata } = secret.metadata ?? {};
    const { creationTimestamp, ...referenceMetadata } = reference.metadata ?? {};
    expect({ ...secret, metadata }).toEqual({ ...reference, metadata: referenceMetadata });
    expect(labels).toEqual({ "app.kubernetes.io/managed-by": "ecr-vars" });
    expect(Object.keys(annotations ?? {})).toEqual(["ecr-vars/expires-at"]);
    console.log(
      `${version.stdout.split("\n")[0]}: namespace ${namespace}: .dockerconfigjson identical (${String(secret.data?.[".dockerconfigjson"]).length} base64 characters); ours adds only metadata.labels and metadata.annotations`,
    );
  }
});
