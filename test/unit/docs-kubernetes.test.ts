/**
 * docs/kubernetes.md: every fenced YAML block parses; its CredentialProviderConfig has the shape
 * the kubelet validates; each matchImages pattern, matched as the kubelet matches (one glob per
 * domain label, same number of labels), covers the hosts it is meant for: every registry host
 * form ecr-vars accepts is matched by some pattern, no pattern is dead, and look-alikes match
 * none. The refresher's manifests are all there and consistent.
 */

import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parseAllDocuments } from "yaml";
import { parseRegistryHost, registryHost } from "../../src/core/registry-host.js";
import { API_VERSIONS } from "../../src/kubelet/protocol.js";
import { ROLE_ANNOTATION } from "../../src/kubelet/service-account.js";
import { parseGoDuration } from "../support/kubelet-api.js";

const TEXT = readFileSync("docs/kubernetes.md", "utf8");
type Doc = Record<string, unknown> & { kind?: string; metadata?: Record<string, unknown> };

const BLOCKS = [...TEXT.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? "");
const DOCUMENTS: Doc[] = BLOCKS.flatMap((block) =>
  parseAllDocuments(block).map((document) => {
    if (document.errors.length > 0) throw new Error(String(document.errors[0]));
    return document.toJS() as Doc;
  }),
);

interface Provider {
  name: string;
  apiVersion: string;
  matchImages: string[];
  defaultCacheDuration: string;
  env?: Array<{ name: string; value: string }>;
  tokenAttributes?: Record<string, unknown>;
}
const CONFIGS = DOCUMENTS.filter((d) => d.kind === "CredentialProviderConfig");
const PROVIDERS = CONFIGS.flatMap((c) => c.providers as Provider[]);
/** The full configuration: the one whose patterns are meant to cover every host. */
const FULL = PROVIDERS.reduce((a, b) => (b.matchImages.length > a.matchImages.length ? b : a));

/** The kubelet's match of a host against a pattern: as many labels, each label a glob. */
function matches(pattern: string, host: string): boolean {
  const globs = pattern.split(".");
  const labels = host.split(".");
  if (globs.length !== labels.length) return false;
  return globs.every((glob, i) => {
    const regex = new RegExp(
      `^${glob
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replaceAll("*", "[^.]*")
        .replaceAll("?", "[^.]")}$`,
    );
    return regex.test(labels[i] ?? "");
  });
}

const REGIONS = [
  "eu-west-1",
  "us-gov-west-1",
  "cn-north-1",
  "eusc-de-east-1",
  "us-iso-east-1",
  "us-isob-east-1",
  "eu-isoe-west-1",
  "us-isof-south-1",
];
const VARIANTS = ["standard", "fips", "dualstack", "fips-dualstack"] as const;
/** The other spelling of the `dkr.ecr` / `dkr-ecr` label(s), which registry-host.ts also accepts. */
const otherSeparator = (host: string) =>
  host.includes(".dkr.ecr")
    ? host.replace(".dkr.ecr", ".dkr-ecr")
    : host.replace(".dkr-ecr", ".dkr.ecr");
/** Every host form ecr-vars accepts (registry-host.ts), for one account. */
const HOSTS = [
  ...REGIONS.flatMap((region) =>
    VARIANTS.flatMap((variant) => {
      const host = registryHost("123456789012", region, variant);
      return [host, otherSeparator(host)];
    }),
  ).filter((host, i, all) => parseRegistryHost(host).ok && all.indexOf(host) === i),
  "public.ecr.aws",
  "ecr-public.aws.com",
];

test("every fenced YAML block parses", () => {
  expect(BLOCKS.length).toBeGreaterThanOrEqual(4);
  expect(DOCUMENTS.length).toBeGreaterThan(BLOCKS.length);
});

describe("the CredentialProviderConfig", () => {
  test.each(CONFIGS.map((c, i) => [i, c]))(
    "#%d has the shape the kubelet validates",
    (_i, config) => {
      expect(config.apiVersion).toBe("kubelet.config.k8s.io/v1");
      const providers = config.providers as Provider[];
      expect(providers.length).toBeGreaterThan(0);
      for (const provider of providers) {
        expect(provider.name).toBe("ecr-vars-kubelet");
        expect(API_VERSIONS).toContain(provider.apiVersion);
        expect(provider.matchImages.length).toBeGreaterThan(0);
        expect(parseGoDuration(provider.defaultCacheDuration)).toBeGreaterThan(0);
        for (const entry of provider.env ?? [])
          expect(Object.keys(entry).sort()).toEqual(["name", "value"]);
        const attributes = provider.tokenAttributes;
        if (attributes !== undefined) {
          expect(provider.apiVersion).toBe("credentialprovider.kubelet.k8s.io/v1");
          expect(typeof attributes.serviceAccountTokenAudience).toBe("string");
          expect(["ServiceAccount", "Token"]).toContain(attributes.cacheType);
          expect(typeof attributes.requireServiceAccount).toBe("boolean");
          expect(attributes.optionalServiceAccountAnnotationKeys).toContain(ROLE_ANNOTATION);
          const required = (attributes.requiredServiceAccountAnnotationKeys ?? []) as string[];
          const optional = attributes.optionalServiceAccountAnnotationKeys as string[];
          expect(required.filter((key) => optional.includes(key))).toEqual([]);
        }
      }
    },
  );

  test.each(HOSTS)("%s is matched by a pattern of the full config", (host) => {
    expect(FULL.matchImages.filter((pattern) => matches(pattern, host))).not.toEqual([]);
  });

  test("every host form is there: 8 partitions, FIPS, dual-stack, China dual-stack, ECR Public", () => {
    expect(HOSTS).toContain("123456789012.dkr.ecr-fips.eu-west-1.amazonaws.com");
    expect(HOSTS).toContain("123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn");
    expect(HOSTS).toContain("123456789012.dkr-ecr-fips.us-iso-east-1.c2s.ic.gov");
    // Every partition has FIPS and dual-stack forms (registry-host.ts); where dual-stack has a
    // domain of its own (aws, aws-us-gov, aws-cn), either separator on either domain; ECR Public's 2.
    expect(HOSTS.length).toBe(8 * 4 + 3 * 4 + 2);
  });

  test.each(FULL.matchImages)("the pattern %s matches a host ecr-vars accepts", (pattern) => {
    expect(HOSTS.some((host) => matches(pattern, host))).toBe(true);
  });

  test.each([
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example",
    "evil.example.123456789012.dkr.ecr.eu-west-1.amazonaws.com",
    "registry.k8s.io",
    "docker.io",
    "public.ecr.aws.evil.example",
  ])("the look-alike %s matches no pattern", (host) => {
    expect(FULL.matchImages.filter((pattern) => matches(pattern, host))).toEqual([]);
  });
});

/** A value inside parsed YAML, by path. */
const at = (value: unknown, ...path: Array<string | number>): unknown =>
  path.reduce<unknown>(
    (v, key) => (v as Record<string | number, unknown> | undefined)?.[key],
    value,
  );

describe("the refresher", () => {
  const byKind = (kind: string) => DOCUMENTS.filter((d) => d.kind === kind);
  test("a CronJob with its ServiceAccount, Role and RoleBinding, all naming each other", () => {
    const [cronJob] = byKind("CronJob");
    const [account] = byKind("ServiceAccount").filter((d) => d.metadata?.name === "ecr-refresher");
    const [role] = byKind("Role");
    const [binding] = byKind("RoleBinding");
    expect(cronJob && account && role && binding).toBeTruthy();
    const pod = at(cronJob, "spec", "jobTemplate", "spec", "template", "spec");
    expect(at(pod, "serviceAccountName")).toBe(account?.metadata?.name);
    expect(cronJob?.metadata?.namespace).toBe(account?.metadata?.namespace);
    expect(at(binding, "roleRef", "name")).toBe(role?.metadata?.name);
    expect(at(binding, "subjects", 0)).toMatchObject({
      kind: "ServiceAccount",
      name: account?.metadata?.name,
      namespace: account?.metadata?.namespace,
    });
    expect(binding?.metadata?.namespace).toBe(role?.metadata?.namespace);
    // The Secret it may write is the one the job writes, in the namespace it writes it to.
    const args = at(pod, "initContainers", 0, "command") as string[];
    const secretName = args[args.indexOf("--secret-name") + 1];
    const namespace = args[args.indexOf("--secret-namespace") + 1];
    expect(args).toContain("kubernetes");
    expect(at(role, "rules", 0, "resourceNames")).toEqual([secretName]);
    expect(role?.metadata?.namespace).toBe(namespace);
    // Every few hours: well within the token's 12 hours.
    expect(at(cronJob, "spec", "schedule")).toBe("0 */4 * * *");
  });
});
