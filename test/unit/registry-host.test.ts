import { describe, expect, test } from "vitest";
import {
  parseRegistryHost,
  type RegistryAddress,
  registryHost,
} from "../../src/core/registry-host.js";

const A = "123456789012";

/** [case name, input, expected address] */
const VALID: ReadonlyArray<[string, string, RegistryAddress]> = [
  [
    "commercial",
    `${A}.dkr.ecr.eu-west-1.amazonaws.com`,
    priv("eu-west-1", "aws", "standard", `${A}.dkr.ecr.eu-west-1.amazonaws.com`),
  ],
  [
    "https URL",
    `https://${A}.dkr.ecr.us-east-1.amazonaws.com`,
    priv("us-east-1", "aws", "standard", `${A}.dkr.ecr.us-east-1.amazonaws.com`),
  ],
  [
    "https URL with a trailing slash",
    `https://${A}.dkr.ecr.us-east-1.amazonaws.com/`,
    priv("us-east-1", "aws", "standard", `${A}.dkr.ecr.us-east-1.amazonaws.com`),
  ],
  [
    "upper case is folded",
    `${A}.DKR.ECR.EU-WEST-1.AMAZONAWS.COM`,
    priv("eu-west-1", "aws", "standard", `${A}.dkr.ecr.eu-west-1.amazonaws.com`),
  ],
  [
    "HTTPS scheme in capitals",
    `HTTPS://${A}.dkr.ecr.eu-west-1.amazonaws.com`,
    priv("eu-west-1", "aws", "standard", `${A}.dkr.ecr.eu-west-1.amazonaws.com`),
  ],
  [
    "fully qualified with the root dot",
    `${A}.dkr.ecr.eu-west-1.amazonaws.com.`,
    priv("eu-west-1", "aws", "standard", `${A}.dkr.ecr.eu-west-1.amazonaws.com`),
  ],
  [
    "two-digit region number",
    `${A}.dkr.ecr.ap-southeast-10.amazonaws.com`,
    priv("ap-southeast-10", "aws", "standard", `${A}.dkr.ecr.ap-southeast-10.amazonaws.com`),
  ],
  [
    "China (Beijing)",
    `${A}.dkr.ecr.cn-north-1.amazonaws.com.cn`,
    priv("cn-north-1", "aws-cn", "standard", `${A}.dkr.ecr.cn-north-1.amazonaws.com.cn`),
  ],
  [
    "China (Ningxia)",
    `${A}.dkr.ecr.cn-northwest-1.amazonaws.com.cn`,
    priv("cn-northwest-1", "aws-cn", "standard", `${A}.dkr.ecr.cn-northwest-1.amazonaws.com.cn`),
  ],
  [
    "GovCloud",
    `${A}.dkr.ecr.us-gov-west-1.amazonaws.com`,
    priv("us-gov-west-1", "aws-us-gov", "standard", `${A}.dkr.ecr.us-gov-west-1.amazonaws.com`),
  ],
  [
    "GovCloud FIPS",
    `${A}.dkr.ecr-fips.us-gov-east-1.amazonaws.com`,
    priv("us-gov-east-1", "aws-us-gov", "fips", `${A}.dkr.ecr-fips.us-gov-east-1.amazonaws.com`),
  ],
  [
    "commercial FIPS",
    `${A}.dkr.ecr-fips.us-east-2.amazonaws.com`,
    priv("us-east-2", "aws", "fips", `${A}.dkr.ecr-fips.us-east-2.amazonaws.com`),
  ],
  [
    "dual-stack",
    `${A}.dkr-ecr.eu-central-1.on.aws`,
    priv("eu-central-1", "aws", "dualstack", `${A}.dkr-ecr.eu-central-1.on.aws`),
  ],
  [
    "dual-stack FIPS",
    `${A}.dkr-ecr-fips.us-west-2.on.aws`,
    priv("us-west-2", "aws", "fips-dualstack", `${A}.dkr-ecr-fips.us-west-2.on.aws`),
  ],
  [
    "China dual-stack",
    `${A}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn`,
    priv(
      "cn-north-1",
      "aws-cn",
      "dualstack",
      `${A}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn`,
    ),
  ],
  [
    "GovCloud dual-stack",
    `${A}.dkr-ecr.us-gov-west-1.on.aws`,
    priv("us-gov-west-1", "aws-us-gov", "dualstack", `${A}.dkr-ecr.us-gov-west-1.on.aws`),
  ],
  [
    "EU sovereign cloud",
    `${A}.dkr.ecr.eusc-de-east-1.amazonaws.eu`,
    priv("eusc-de-east-1", "aws-eusc", "standard", `${A}.dkr.ecr.eusc-de-east-1.amazonaws.eu`),
  ],
  [
    "ISO (C2S)",
    `${A}.dkr.ecr.us-iso-east-1.c2s.ic.gov`,
    priv("us-iso-east-1", "aws-iso", "standard", `${A}.dkr.ecr.us-iso-east-1.c2s.ic.gov`),
  ],
  [
    "ISO-B (SC2S)",
    `${A}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov`,
    priv("us-isob-east-1", "aws-iso-b", "standard", `${A}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov`),
  ],
  [
    "ISO-E",
    `${A}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk`,
    priv("eu-isoe-west-1", "aws-iso-e", "standard", `${A}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk`),
  ],
  [
    "ISO-F",
    `${A}.dkr.ecr.us-isof-south-1.csp.hci.ic.gov`,
    priv("us-isof-south-1", "aws-iso-f", "standard", `${A}.dkr.ecr.us-isof-south-1.csp.hci.ic.gov`),
  ],
  ["ECR Public", "public.ecr.aws", { kind: "public", host: "public.ecr.aws" }],
  [
    "China dual-stack written with dkr.ecr",
    `${A}.dkr.ecr.cn-north-1.on.amazonwebservices.com.cn`,
    priv(
      "cn-north-1",
      "aws-cn",
      "dualstack",
      `${A}.dkr.ecr.cn-north-1.on.amazonwebservices.com.cn`,
    ),
  ],
  [
    "dual-stack domain written with dkr.ecr",
    `${A}.dkr.ecr.eu-west-1.on.aws`,
    priv("eu-west-1", "aws", "dualstack", `${A}.dkr.ecr.eu-west-1.on.aws`),
  ],
  [
    "IPv4 domain written with dkr-ecr",
    `${A}.dkr-ecr.eu-west-1.amazonaws.com`,
    priv("eu-west-1", "aws", "standard", `${A}.dkr-ecr.eu-west-1.amazonaws.com`),
  ],
  [
    "ISO domain written with dkr-ecr",
    `${A}.dkr-ecr.us-iso-east-1.c2s.ic.gov`,
    priv("us-iso-east-1", "aws-iso", "standard", `${A}.dkr-ecr.us-iso-east-1.c2s.ic.gov`),
  ],
  [
    "EU sovereign cloud FIPS",
    `${A}.dkr.ecr-fips.eusc-de-east-1.amazonaws.eu`,
    priv("eusc-de-east-1", "aws-eusc", "fips", `${A}.dkr.ecr-fips.eusc-de-east-1.amazonaws.eu`),
  ],
  [
    "China FIPS",
    `${A}.dkr.ecr-fips.cn-north-1.amazonaws.com.cn`,
    priv("cn-north-1", "aws-cn", "fips", `${A}.dkr.ecr-fips.cn-north-1.amazonaws.com.cn`),
  ],
  [
    "China FIPS dual-stack",
    `${A}.dkr-ecr-fips.cn-north-1.on.amazonwebservices.com.cn`,
    priv(
      "cn-north-1",
      "aws-cn",
      "fips-dualstack",
      `${A}.dkr-ecr-fips.cn-north-1.on.amazonwebservices.com.cn`,
    ),
  ],
  ["ECR Public URL", "https://public.ecr.aws/", { kind: "public", host: "public.ecr.aws" }],
];

/** [case name, input, a fragment of the reason] */
const REJECTED: ReadonlyArray<[string, string, string]> = [
  ["hostile suffix", `${A}.dkr.ecr.eu-west-1.amazonaws.com.evil.example`, "is a look-alike"],
  [
    "hostile suffix after .cn",
    `${A}.dkr.ecr.cn-north-1.amazonaws.com.cn.evil.example`,
    "is a look-alike",
  ],
  ["hostile suffix after on.aws", `${A}.dkr-ecr.eu-west-1.on.aws.evil.example`, "is a look-alike"],
  [
    "hostile prefix label",
    `evil.${A}.dkr.ecr.eu-west-1.amazonaws.com`,
    "labels before the account id",
  ],
  [
    "look-alike domain",
    `${A}.dkr.ecr.eu-west-1.amazonaws.com-evil.example`,
    "does not end in .amazonaws.com",
  ],
  [
    "look-alike second-level domain",
    `${A}.dkr.ecr.eu-west-1.amazon-aws.com`,
    "does not end in .amazonaws.com",
  ],
  ["missing account", "dkr.ecr.eu-west-1.amazonaws.com", "names no account"],
  ["API endpoint, not a registry", "api.ecr.eu-west-1.amazonaws.com", "names no account"],
  ["11-digit account", "12345678901.dkr.ecr.eu-west-1.amazonaws.com", "not a 12-digit account id"],
  [
    "13-digit account",
    "1234567890123.dkr.ecr.eu-west-1.amazonaws.com",
    "not a 12-digit account id",
  ],
  [
    "letters in the account",
    "12345678901x.dkr.ecr.eu-west-1.amazonaws.com",
    "not a 12-digit account id",
  ],
  ["wildcard account", "*.dkr.ecr.eu-west-1.amazonaws.com", "not a valid host name"],
  ["unknown region", `${A}.dkr.ecr.eu-moon-1.amazonaws.com`, "is not an AWS region code"],
  ["region without number", `${A}.dkr.ecr.eu-west.amazonaws.com`, "is not an AWS region code"],
  [
    "China region under .com",
    `${A}.dkr.ecr.cn-north-1.amazonaws.com`,
    "does not end in .amazonaws.com.cn",
  ],
  [
    "commercial region under .com.cn",
    `${A}.dkr.ecr.eu-west-1.amazonaws.com.cn`,
    "does not end in .amazonaws.com",
  ],
  [
    "EU sovereign region under .com",
    `${A}.dkr.ecr.eusc-de-east-1.amazonaws.com`,
    "does not end in .amazonaws.eu",
  ],
  [
    "commercial region under .eu",
    `${A}.dkr.ecr.eu-west-1.amazonaws.eu`,
    "does not end in .amazonaws.com",
  ],
  [
    "dual-stack domain with an ISO region",
    `${A}.dkr-ecr.us-iso-east-1.on.aws`,
    "which the aws-iso partition does not offer",
  ],
  [
    "China dual-stack domain with a commercial region",
    `${A}.dkr-ecr.eu-west-1.on.amazonwebservices.com.cn`,
    "does not end in .on.aws",
  ],
  [
    "China region under the commercial dual-stack domain",
    `${A}.dkr-ecr.cn-north-1.on.aws`,
    "does not end in .on.amazonwebservices.com.cn",
  ],
  ["China look-alike of on.aws", `${A}.dkr.ecr.cn-north-1.on.aws.com.cn`, "is a look-alike"],
  [
    "neither dot nor dash after dkr",
    `${A}.dkr_ecr.eu-west-1.amazonaws.com`,
    "not a valid host name",
  ],
  [
    "dkrecr run together",
    `${A}.dkrecr.eu-west-1.amazonaws.com`,
    "is not an Amazon ECR registry host",
  ],
  ["ECR Public look-alike suffix", "public.ecr.aws.evil.example", "is not ECR Public"],
  ["ECR Public subdomain", "evil.public.ecr.aws", "is not ECR Public"],
  ["ECR Public look-alike prefix", "notpublic.ecr.aws", "is not an Amazon ECR registry host"],
  ["plain http", `http://${A}.dkr.ecr.eu-west-1.amazonaws.com`, "not a registry scheme"],
  ["other scheme", `ftp://${A}.dkr.ecr.eu-west-1.amazonaws.com`, "not a registry scheme"],
  [
    "user info hiding the real host",
    `https://${A}.dkr.ecr.eu-west-1.amazonaws.com@evil.example/`,
    "user name or password",
  ],
  [
    "bare host with user info",
    `${A}.dkr.ecr.eu-west-1.amazonaws.com@evil.example`,
    "is not a bare host",
  ],
  ["port", `https://${A}.dkr.ecr.eu-west-1.amazonaws.com:8443`, "port 8443"],
  ["bare host with a port", `${A}.dkr.ecr.eu-west-1.amazonaws.com:443`, "is not a bare host"],
  ["repository path", `https://${A}.dkr.ecr.eu-west-1.amazonaws.com/app`, "has the path /app"],
  ["image reference", `${A}.dkr.ecr.eu-west-1.amazonaws.com/app:1.0`, "is not a bare host"],
  ["ECR Public image", "public.ecr.aws/docker/library/alpine", "is not a bare host"],
  ["query", `https://${A}.dkr.ecr.eu-west-1.amazonaws.com/?x=1`, "query or fragment"],
  ["fragment", `https://${A}.dkr.ecr.eu-west-1.amazonaws.com#x`, "query or fragment"],
  ["leading space", ` ${A}.dkr.ecr.eu-west-1.amazonaws.com`, "whitespace"],
  ["embedded newline", `${A}.dkr.ecr.eu-west-1.amazonaws.com\nevil.example`, "whitespace"],
  ["NUL byte", `${A}.dkr.ecr.eu-west-1.amazonaws.com\u0000.evil.example`, "control characters"],
  ["Cyrillic homoglyph", `${A}.dkr.ecr.eu-west-1.\u0430mazonaws.com`, "non-ASCII"],
  ["percent-encoded dot", `https://${A}.dkr.ecr.eu-west-1.amazonaws%2Ecom`, "percent-escape"],
  ["empty label", `${A}..dkr.ecr.eu-west-1.amazonaws.com`, "not a valid host name"],
  ["empty", "", "is empty"],
  ["IP address", "127.0.0.1", "is not an Amazon ECR registry host"],
];

function priv(
  region: string,
  partition: Extract<RegistryAddress, { kind: "private" }>["partition"],
  variant: Extract<RegistryAddress, { kind: "private" }>["variant"],
  host: string,
): RegistryAddress {
  return { kind: "private", accountId: A, region, partition, variant, host };
}

describe("parseRegistryHost", () => {
  test("the table holds at least 40 hosts, valid and hostile", () => {
    expect(VALID.length + REJECTED.length).toBeGreaterThanOrEqual(40);
    expect(REJECTED.length).toBeGreaterThan(VALID.length);
  });

  test.each(VALID)("accepts %s", (_name, input, expected) => {
    expect(parseRegistryHost(input)).toEqual({ ok: true, address: expected });
  });

  test.each(REJECTED)("rejects %s", (_name, input, reason) => {
    const result = parseRegistryHost(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain(reason);
    expect(result.hint).not.toBe("");
  });

  test("a partition mismatch names the right domain in the fix", () => {
    const result = parseRegistryHost(`${A}.dkr.ecr.cn-north-1.amazonaws.com`);
    expect(result).toMatchObject({
      ok: false,
      hint: `use ${A}.dkr.ecr.cn-north-1.amazonaws.com.cn`,
    });
  });
});

describe("registryHost", () => {
  // registryHost writes AWS's own spelling: dkr-ecr for dual-stack hosts, dkr.ecr otherwise.
  const canonical = VALID.filter(
    ([, , a]) =>
      a.kind === "private" && a.host.includes(".dkr-ecr") === a.variant.endsWith("dualstack"),
  );
  test("the canonical hosts are most of the table", () => {
    expect(canonical.length).toBeGreaterThan(20);
  });
  test.each(canonical)("round-trips %s", (_name, _input, address) => {
    if (address.kind !== "private") return;
    expect(registryHost(address.accountId, address.region, address.variant)).toBe(address.host);
  });
});
