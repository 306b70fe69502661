/**
 * The registry hosts two peers test their host parsing with, and what each peer answers: the Go
 * credential helper (`docker-credential-ecr-login`, its registry-extraction table) and the
 * kubelet's reference image credential provider (`ecr-credential-provider`, its region table and
 * its host-pattern table). Only the hosts and the peers' verdicts are taken, as test vectors for
 * docs/registries.md ("Naming a registry"); the inputs are kept exactly as the peers write them.
 */

export interface PeerVector {
  /** Which peer table the vector comes from. */
  readonly table: "ecr-login" | "kubelet-region" | "kubelet-pattern";
  /** The input as the peer's table writes it (the Go helper's may carry a scheme and a path). */
  readonly input: string;
  /** The peer accepts it as an ECR registry. */
  readonly peerAccepts: boolean;
  /** What the peer makes of an accepted input: the account (or "public") and the region. */
  readonly account?: string;
  readonly region?: string;
}

const A = "123456789012";
const B = "210987654321";
const K = "123456789123";

function yes(
  table: PeerVector["table"],
  input: string,
  account?: string,
  region?: string,
): PeerVector {
  return {
    table,
    input,
    peerAccepts: true,
    ...(account === undefined ? {} : { account }),
    ...(region === undefined ? {} : { region }),
  };
}
function no(table: PeerVector["table"], input: string): PeerVector {
  return { table, input, peerAccepts: false };
}

export const PEER_HOST_VECTORS: readonly PeerVector[] = [
  // docker-credential-ecr-login: the server URLs its registry extraction is tested with.
  yes("ecr-login", `https://${A}.dkr.ecr.us-east-1.amazonaws.com/v2/blah/blah`, A, "us-east-1"),
  yes("ecr-login", `${A}.dkr.ecr.us-west-2.amazonaws.com`, A, "us-west-2"),
  yes("ecr-login", `${A}.dkr-ecr.us-west-2.on.aws`, A, "us-west-2"),
  yes("ecr-login", `${A}.dkr-ecr-fips.us-west-2.on.aws`, A, "us-west-2"),
  yes("ecr-login", `${B}.dkr.ecr.cn-north-1.amazonaws.com.cn/foo`, B, "cn-north-1"),
  yes("ecr-login", `${B}.dkr.ecr.cn-north-1.on.amazonwebservices.com.cn`, B, "cn-north-1"),
  yes("ecr-login", `${B}.dkr.ecr.us-iso-east-1.c2s.ic.gov`, B, "us-iso-east-1"),
  yes("ecr-login", `${A}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov`, A, "us-isob-east-1"),
  yes("ecr-login", `${A}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk`, A, "eu-isoe-west-1"),
  yes("ecr-login", `${A}.dkr.ecr.us-isof-east-1.csp.hci.ic.gov`, A, "us-isof-east-1"),
  yes("ecr-login", `${A}.dkr-ecr.us-gov-east-1.on.aws`, A, "us-gov-east-1"),
  yes("ecr-login", `${A}.dkr.ecr-fips.us-gov-west-1.amazonaws.com`, A, "us-gov-west-1"),
  yes("ecr-login", `${A}.dkr-ecr-fips.us-gov-east-1.on.aws`, A, "us-gov-east-1"),
  yes("ecr-login", `${A}.dkr.ecr.eusc-de-east-1.amazonaws.eu`, A, "eusc-de-east-1"),
  yes("ecr-login", "https://public.ecr.aws", "public", "us-east-1"),
  yes("ecr-login", "https://ecr-public.aws.com", "public", "us-east-1"),
  yes("ecr-login", "public.ecr.aws", "public", "us-east-1"),
  yes("ecr-login", "ecr-public.aws.com", "public", "us-east-1"),
  yes("ecr-login", "https://public.ecr.aws/amazonlinux", "public", "us-east-1"),
  yes("ecr-login", "https://ecr-public.aws.com/amazonlinux", "public", "us-east-1"),
  no("ecr-login", ".dkr.ecr.not-real.amazonaws.com"),
  no("ecr-login", "not.ecr.io"),
  no("ecr-login", `https://${A}.dkr.ecr.us-west-2.amazonaws.com.fake.example.com/image:latest`),
  no("ecr-login", `${A}.dkr.ecr.us-west-2.amazonaws.com.fake.example.com`),
  no("ecr-login", `${A}.dkr.ecr-fips.us-gov-west-1.amazonaws.com.fake.example.com`),
  no("ecr-login", `${B}.dkr.ecr.cn-north-1.amazonaws.com.cn.fake.example.com.cn`),
  no("ecr-login", `${B}.dkr.ecr.cn-north-1.on.aws.com.cn`),
  no("ecr-login", "https://public.ecr.aws.fake.example.com"),
  no("ecr-login", "public.ecr.aws.fake.example.com"),

  // ecr-credential-provider: the hosts its region parsing is tested with ("foobar" has none).
  yes("kubelet-region", `${K}.dkr.ecr.us-west-2.amazonaws.com`, K, "us-west-2"),
  yes("kubelet-region", `${K}.dkr.ecr.cn-north-1.amazonaws.com.cn`, K, "cn-north-1"),
  yes("kubelet-region", `${K}.dkr.ecr.us-gov-east-1.amazonaws.com`, K, "us-gov-east-1"),
  yes("kubelet-region", `${K}.dkr.ecr.us-iso-east-1.c2s.ic.gov`, K, "us-iso-east-1"),
  yes("kubelet-region", `${K}.dkr.ecr.eusc-de-east-1.amazonaws.eu`, K, "eusc-de-east-1"),
  yes("kubelet-region", `${K}.dkr-ecr.us-west-2.on.aws`, K, "us-west-2"),
  yes("kubelet-region", `${K}.dkr-ecr-fips.us-west-2.on.aws`, K, "us-west-2"),
  yes("kubelet-region", `${K}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn`, K, "cn-north-1"),
  yes("kubelet-region", `${K}.dkr-ecr.us-gov-east-1.on.aws`, K, "us-gov-east-1"),
  yes("kubelet-region", `${K}.dkr-ecr-fips.us-gov-east-1.on.aws`, K, "us-gov-east-1"),
  no("kubelet-region", "foobar"),

  // ecr-credential-provider: its private-host pattern table (lala-land-1 is its placeholder).
  yes("kubelet-pattern", `${A}.dkr.ecr.lala-land-1.amazonaws.com`),
  yes("kubelet-pattern", `${A}.dkr.ecr-fips.lala-land-1.amazonaws.com`),
  yes("kubelet-pattern", `${A}.dkr.ecr.lala-land-1.amazonaws.com.cn`),
  yes("kubelet-pattern", `${A}.dkr.ecr.eusc-de-east-1.amazonaws.eu`, A, "eusc-de-east-1"),
  yes("kubelet-pattern", `${A}.dkr.ecr-fips.eusc-de-east-1.amazonaws.eu`, A, "eusc-de-east-1"),
  no("kubelet-pattern", "1234567890123.dkr.ecr.lala-land-1.amazonaws.com"),
  no("kubelet-pattern", "12345678901.dkr.ecr.lala-land-1.amazonaws.com"),
  no("kubelet-pattern", "12345678901A.dkr.ecr.lala-land-1.amazonaws.com"),
  no("kubelet-pattern", `${A}.dkr.ecr.lala-land-1!.amazonaws.com`),
  no("kubelet-pattern", `${A}.dkr.ecr.#lala-land-1.amazonaws.com`),
  no("kubelet-pattern", `${A}.dkr.ecr.lala-land-1.amazonaws.hacker.com`),
  no("kubelet-pattern", `${A}.dkr.ecr.lala-land-1.hacker.com`),
  no("kubelet-pattern", `${A}.dkr.ecr.lala-land-1.amazonaws.lol`),
  no("kubelet-pattern", `${A}.dog.ecr.lala-land-1.amazonaws.com`),
  no("kubelet-pattern", `${A}.dkr.cat.lala-land-1.amazonaws.com`),
  no("kubelet-pattern", `${A}.dkr.cat.lala-land-1.awsamazon.com`),
  no("kubelet-pattern", `${A}.lala-land-1.amazonaws.com`),
  yes("kubelet-pattern", `${A}.dkr.ecr.us-iso-east-1.c2s.ic.gov`, A, "us-iso-east-1"),
  yes("kubelet-pattern", `${A}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov`, A, "us-isob-east-1"),
  yes("kubelet-pattern", `${A}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk`, A, "eu-isoe-west-1"),
  yes("kubelet-pattern", `${A}.dkr.ecr.us-isof-east-1.csp.hci.ic.gov`, A, "us-isof-east-1"),
  no("kubelet-pattern", `${A}.dkr.ecr.us-iso-east-1.amazonaws.gov`),
  yes("kubelet-pattern", `${A}.dkr-ecr.lala-land-1.on.aws`),
  yes("kubelet-pattern", `${A}.dkr-ecr-fips.lala-land-1.on.aws`),
  yes("kubelet-pattern", `${A}.dkr-ecr.lala-land-1.on.amazonwebservices.com.cn`),
];

/** The kubelet pattern table's placeholder: any region-shaped word passes its pattern. */
export const PLACEHOLDER_REGION = "lala-land-1";

/** A vector's input with the placeholder replaced by a real region of the host's partition. */
export function withRealRegion(input: string): string {
  const real =
    input.endsWith(".amazonaws.com.cn") || input.endsWith(".on.amazonwebservices.com.cn")
      ? "cn-northwest-1"
      : "us-west-2";
  return input.replace(PLACEHOLDER_REGION, real);
}

/**
 * The host of a vector as the Go helper reads it: scheme and everything after the host dropped.
 * ecr-vars' parser takes a host or an https URL without a path (a path is an image, not a
 * registry); its credential helper drops the path as the Go helper does.
 */
export function hostPart(input: string): string {
  return input.replace(/^https:\/\//, "").replace(/\/.*$/, "");
}
