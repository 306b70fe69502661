import { ECRClient } from "@aws-sdk/client-ecr";
import { ECRPUBLICClient } from "@aws-sdk/client-ecr-public";
import { describe, expect, test } from "vitest";
import { clientConfig } from "../../src/aws/call.js";
import { ecrEndpointOptions, ecrEndpointOverridden } from "../../src/aws/ecr.js";
import type { EndpointVariant } from "../../src/core/registry-host.js";

const CALL = { region: "us-east-1", maxAttempts: 1, attemptTimeoutMs: 1000 };
const CREDENTIALS = { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "x", source: "test" };

/** The URL the client would call, from its own endpoint rules and its resolved settings. */
async function endpointOf(region: string, variant: EndpointVariant): Promise<string> {
  const client = new ECRClient({
    ...(await clientConfig({ ...CALL, region })),
    credentials: CREDENTIALS,
    ...ecrEndpointOptions(variant),
  });
  try {
    const config = client.config;
    const endpoint = config.endpointProvider({
      Region: await config.region(),
      UseFIPS: await config.useFipsEndpoint(),
      UseDualStack: await config.useDualstackEndpoint(),
    });
    return endpoint.url.href;
  } finally {
    client.destroy();
  }
}

describe("the ECR API endpoint for each registry endpoint variant", () => {
  test.each<[string, EndpointVariant, string]>([
    ["eu-west-1", "standard", "https://api.ecr.eu-west-1.amazonaws.com/"],
    ["us-east-1", "fips", "https://api.ecr-fips.us-east-1.amazonaws.com/"],
    ["us-gov-west-1", "fips", "https://api.ecr-fips.us-gov-west-1.amazonaws.com/"],
    ["eu-west-1", "dualstack", "https://ecr.eu-west-1.api.aws/"],
    ["us-east-1", "fips-dualstack", "https://ecr-fips.us-east-1.api.aws/"],
    ["cn-north-1", "standard", "https://api.ecr.cn-north-1.amazonaws.com.cn/"],
    ["eusc-de-east-1", "standard", "https://api.ecr.eusc-de-east-1.amazonaws.eu/"],
  ])("%s %s → %s", async (region, variant, url) => {
    expect(await endpointOf(region, variant)).toBe(url);
  });

  test("a configured endpoint (AWS_ENDPOINT_URL*) replaces the FIPS and dual-stack choice", async () => {
    expect(ecrEndpointOptions("fips-dualstack", true)).toMatchObject({
      useFipsEndpoint: false,
      useDualstackEndpoint: false,
    });
    expect(ecrEndpointOverridden({ AWS_ENDPOINT_URL_ECR: "http://127.0.0.1:1" })).toBe(true);
    expect(ecrEndpointOverridden({})).toBe(false);
    expect(
      ecrEndpointOverridden({
        AWS_ENDPOINT_URL: "http://127.0.0.1:1",
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true",
      }),
    ).toBe(false);
  });

  test("ECR Public signs as ecr-public in us-east-1", async () => {
    const client = new ECRPUBLICClient({ region: "us-east-1", credentials: CREDENTIALS });
    try {
      const endpoint = client.config.endpointProvider({ Region: "us-east-1" });
      expect(endpoint.url.href).toBe("https://api.ecr-public.us-east-1.amazonaws.com/");
    } finally {
      client.destroy();
    }
  });
});
