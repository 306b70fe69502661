/**
 * The CLI (`--registry`, parseRegistryHost) and the credential helper accept exactly the same
 * registry hosts: every form docker-credential-ecr-login accepts — each partition's standard,
 * FIPS, dual-stack and FIPS dual-stack hosts, and ECR Public's two hosts — and refuse the same
 * look-alikes. So `--credential-helper` never points a host at a helper that refuses it.
 */
import { describe, expect, test } from "vitest";
import { parseRegistryHost } from "../../src/core/registry-host.js";
import { resolveHelperSettings } from "../../src/helper/config.js";
import { cleanEnv } from "../support/cli.js";

const A = "123456789012";

/** [host, account or "public", region] */
const ACCEPTED: ReadonlyArray<readonly [string, string, string]> = [
  [`${A}.dkr.ecr.eu-west-1.amazonaws.com`, A, "eu-west-1"],
  [`${A}.dkr.ecr-fips.us-east-1.amazonaws.com`, A, "us-east-1"],
  [`${A}.dkr-ecr.eu-west-1.on.aws`, A, "eu-west-1"],
  [`${A}.dkr-ecr-fips.us-east-2.on.aws`, A, "us-east-2"],
  [`${A}.dkr.ecr.us-gov-west-1.amazonaws.com`, A, "us-gov-west-1"],
  [`${A}.dkr.ecr-fips.us-gov-east-1.amazonaws.com`, A, "us-gov-east-1"],
  [`${A}.dkr-ecr.us-gov-west-1.on.aws`, A, "us-gov-west-1"],
  [`${A}.dkr-ecr-fips.us-gov-west-1.on.aws`, A, "us-gov-west-1"],
  [`${A}.dkr.ecr.cn-north-1.amazonaws.com.cn`, A, "cn-north-1"],
  [`${A}.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn`, A, "cn-northwest-1"],
  [`${A}.dkr.ecr.eusc-de-east-1.amazonaws.eu`, A, "eusc-de-east-1"],
  [`${A}.dkr.ecr.us-iso-east-1.c2s.ic.gov`, A, "us-iso-east-1"],
  [`${A}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov`, A, "us-isob-east-1"],
  [`${A}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk`, A, "eu-isoe-west-1"],
  [`${A}.dkr.ecr.us-isof-south-1.csp.hci.ic.gov`, A, "us-isof-south-1"],
  [`https://${A}.dkr.ecr.eu-west-1.amazonaws.com`, A, "eu-west-1"],
  ["public.ecr.aws", "public", "us-east-1"],
  ["ecr-public.aws.com", "public", "us-east-1"],
  ["https://public.ecr.aws", "public", "us-east-1"],
  ["https://ecr-public.aws.com", "public", "us-east-1"],
];

const REFUSED: readonly string[] = [
  `${A}.dkr.ecr.eu-west-1.amazonaws.com.evil.example`,
  `${A}.dkr.ecr.eu-west-1.amazonaws.com.cn.evil.example`,
  `evil.example/${A}.dkr.ecr.eu-west-1.amazonaws.com`,
  `x.${A}.dkr.ecr.eu-west-1.amazonaws.com`,
  `12345678901.dkr.ecr.eu-west-1.amazonaws.com`,
  `${A}.dkr.ecr.eu-west-1.amazonaws.co`,
  `${A}.dkr.ecr.eu-west-1.on.aws.evil.example`,
  `${A}.ecr.eu-west-1.amazonaws.com`,
  "public.ecr.aws.evil.example",
  "evil.public.ecr.aws",
  "ecr-public.aws.com.evil.example",
  "ecr-public.aws.co",
  "docker.io",
  "ghcr.io",
];

// No helper config file: HOME is /nonexistent-home, so the default path does not exist.
const env = cleanEnv();

describe("accepted by the CLI and the helper alike", () => {
  test.each(ACCEPTED)("%s", async (host, account, region) => {
    const parsed = parseRegistryHost(host);
    expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
    if (!parsed.ok) return;
    if (account === "public") expect(parsed.address.kind).toBe("public");
    else expect(parsed.address).toMatchObject({ kind: "private", accountId: account, region });
    const helper = await resolveHelperSettings(host, env);
    expect(helper.kind, JSON.stringify(helper)).toBe("settings");
    if (helper.kind !== "settings") return;
    expect(helper.settings).toMatchObject({ registryId: account, region });
    if (account === "public") expect(helper.settings.publicHost).toBe(parsed.address.host);
  });
});

describe("refused by both", () => {
  test.each(REFUSED)("%s", async (host) => {
    expect(parseRegistryHost(host).ok).toBe(false);
    expect((await resolveHelperSettings(host, env)).kind).toBe("not-ours");
  });
});
