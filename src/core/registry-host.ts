/**
 * Registry hosts and URLs → what they address: account, region, partition and endpoint variant of
 * an Amazon ECR private registry, or ECR Public. The host is matched with one anchored pattern and
 * its DNS suffix must belong to the region's partition, so look-alikes such as
 * `…amazonaws.com.evil.example` or `cn-north-1` under `amazonaws.com` are refused, not guessed at.
 */

import { URL_SCHEME } from "./names.js";
import { isRegion, type Partition, partitionOf } from "./region.js";

/** The endpoint a private registry is reached through (and the API endpoint that goes with it). */
export type EndpointVariant = "standard" | "fips" | "dualstack" | "fips-dualstack";

export type RegistryAddress =
  | {
      readonly kind: "private";
      readonly accountId: string;
      readonly region: string;
      readonly partition: Partition;
      readonly variant: EndpointVariant;
      /** Canonical host: lower case, no scheme, port, path or trailing dot. */
      readonly host: string;
    }
  | { readonly kind: "public"; readonly host: PublicHost };

/** ECR Public's registry host (IPv4), and its dual-stack (IPv4 and IPv6) host. */
export const PUBLIC_HOST = "public.ecr.aws";
export const PUBLIC_DUALSTACK_HOST = "ecr-public.aws.com";
export type PublicHost = typeof PUBLIC_HOST | typeof PUBLIC_DUALSTACK_HOST;

export interface HostProblem {
  readonly ok: false;
  readonly reason: string;
  readonly hint: string;
}

export type HostParse = { readonly ok: true; readonly address: RegistryAddress } | HostProblem;

// <account>.dkr.ecr[-fips].<region>.<suffix>. The separator after `dkr` may also be a dash: AWS
// names dual-stack hosts `dkr-ecr`, and the peers that parse these hosts accept either separator
// with either suffix (docs/registries.md, "Naming a registry"), so it says nothing. The suffix
// decides: a partition's IPv4-only suffix is a standard endpoint, its dual-stack one dual-stack.
const PRIVATE_HOST = /^(\d{12})\.dkr[.-]ecr(-fips)?\.([a-z0-9][a-z0-9-]*)\.([a-z0-9.-]+)$/;

/** DNS suffixes of the registry hosts, per partition: [IPv4-only, dual-stack]. */
const SUFFIXES: Readonly<Record<Partition, readonly [string, string | undefined]>> = {
  aws: ["amazonaws.com", "on.aws"],
  "aws-us-gov": ["amazonaws.com", "on.aws"],
  "aws-cn": ["amazonaws.com.cn", "on.amazonwebservices.com.cn"],
  "aws-eusc": ["amazonaws.eu", undefined],
  "aws-iso": ["c2s.ic.gov", undefined],
  "aws-iso-b": ["sc2s.sgov.gov", undefined],
  "aws-iso-e": ["cloud.adc-e.uk", undefined],
  "aws-iso-f": ["csp.hci.ic.gov", undefined],
};

/** Every DNS suffix of a private registry host, in any partition. */
export const REGISTRY_SUFFIXES: readonly string[] = [
  ...new Set(Object.values(SUFFIXES).flatMap((pair) => pair.filter((s) => s !== undefined))),
];

const EXAMPLE = "e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com or public.ecr.aws";

function fail(reason: string, hint = `give a registry host, ${EXAMPLE}`): HostProblem {
  return { ok: false, reason, hint };
}

/**
 * Parses `host`, `https://host` or `https://host/` into a registry address. Anything else — other
 * schemes, ports, credentials, paths, queries, whitespace, non-ASCII — is refused with a reason.
 */
export function parseRegistryHost(input: string): HostParse {
  const host = hostOf(input);
  if (!host.ok) return host;
  const name = host.host;
  if (name === PUBLIC_HOST || name === PUBLIC_DUALSTACK_HOST) {
    return { ok: true, address: { kind: "public", host: name } };
  }

  const match = PRIVATE_HOST.exec(name);
  if (match === null) return fail(describeMismatch(name));
  const [, accountId = "", fips = "", region = "", suffix = ""] = match;
  if (!isRegion(region)) {
    return fail(
      `"${region}" in ${name} is not an AWS region code`,
      "use the registry's real host; its region looks like eu-west-1, cn-north-1 or us-gov-west-1",
    );
  }
  const { partition } = partitionOf(region);
  const [plainSuffix, dualSuffix] = SUFFIXES[partition];
  const dualStack = suffix === dualSuffix;
  if (!dualStack && suffix !== plainSuffix) {
    const allSuffixes = Object.values(SUFFIXES).flat();
    const embedded = allSuffixes.find(
      (known) => known !== undefined && suffix.startsWith(`${known}.`),
    );
    if (embedded !== undefined && !allSuffixes.includes(suffix)) {
      return fail(
        `${name} is a look-alike: it continues after .${embedded} with .${suffix.slice(embedded.length + 1)}, so it is not an ECR registry`,
        `use the registry's own host, which ends in .${plainSuffix}`,
      );
    }
    // A dual-stack suffix of another partition: name this partition's dual-stack suffix, if any.
    const askedDual = Object.values(SUFFIXES).some(([, dual]) => dual === suffix);
    if (askedDual && dualSuffix === undefined) {
      return fail(
        `${name} asks for a dual-stack registry, which the ${partition} partition does not offer`,
        `use ${accountId}.dkr.ecr${fips}.${region}.${plainSuffix}`,
      );
    }
    const expected = askedDual ? (dualSuffix ?? plainSuffix) : plainSuffix;
    const service = expected === dualSuffix ? "dkr-ecr" : "dkr.ecr";
    return fail(
      `${name} does not end in .${expected}, the domain of region ${region} (partition ${partition})`,
      `use ${accountId}.${service}${fips}.${region}.${expected}`,
    );
  }
  const variant: EndpointVariant =
    fips !== "" ? (dualStack ? "fips-dualstack" : "fips") : dualStack ? "dualstack" : "standard";
  return {
    ok: true,
    address: { kind: "private", accountId, region, partition, variant, host: name },
  };
}

/** The host of a private registry for its account, region and endpoint variant. */
export function registryHost(accountId: string, region: string, variant: EndpointVariant): string {
  const { partition } = partitionOf(region);
  const [plain, dual] = SUFFIXES[partition];
  const dualStack = variant === "dualstack" || variant === "fips-dualstack";
  const fips = variant === "fips" || variant === "fips-dualstack" ? "-fips" : "";
  return dualStack
    ? `${accountId}.dkr-ecr${fips}.${region}.${dual ?? plain}`
    : `${accountId}.dkr.ecr${fips}.${region}.${plain}`;
}

type HostOf = { readonly ok: true; readonly host: string } | HostProblem;

function hostOf(input: string): HostOf {
  if (input === "") return fail("the registry is empty");
  // Checked before URL parsing, which would silently drop tabs and newlines and trim spaces.
  // The control characters: U+0000-U+001F and U+007F-U+009F.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  if (/[\s\x00-\x1f\x7f-\x9f]/.test(input))
    return fail("the registry contains whitespace or control characters");
  // Non-ASCII would be punycoded by URL parsing; a homoglyph host is refused outright.
  if (/[^\x20-\x7e]/.test(input)) return fail("the registry contains non-ASCII characters");
  // URL parsing decodes %2E to a dot; an escaped host is never what a user meant.
  if (input.includes("%"))
    return fail("the registry contains a percent-escape", "write the host plainly");

  let host = input;
  const scheme = URL_SCHEME.exec(input)?.[1];
  if (scheme !== undefined) {
    if (scheme.toLowerCase() !== "https") {
      return fail(
        `"${scheme}://" is not a registry scheme`,
        "ECR registries are reached over https://, or give the bare host",
      );
    }
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      return fail(`"${input}" is not a valid URL`);
    }
    if (url.username !== "" || url.password !== "") {
      return fail("the registry URL holds a user name or password", "give the host only");
    }
    if (url.port !== "") {
      return fail(
        `the registry URL names port ${url.port}`,
        "ECR registries use port 443; drop the port",
      );
    }
    if (url.search !== "" || url.hash !== "" || input.includes("?") || input.includes("#")) {
      return fail("the registry URL has a query or fragment", "give the host only");
    }
    if (url.pathname !== "/" && url.pathname !== "") {
      return fail(
        `the registry URL has the path ${url.pathname}`,
        "give the registry, not a repository or image: drop everything after the host",
      );
    }
    host = url.hostname;
  } else if (/[/:@?#]/.test(input)) {
    return fail(
      `"${input}" is not a bare host (it holds one of / : @ ? #)`,
      `give the host alone or an https:// URL, ${EXAMPLE}`,
    );
  }
  host = host.toLowerCase();
  // A fully qualified name with its root dot is the same host.
  if (host.endsWith(".") && !host.endsWith("..")) host = host.slice(0, -1);
  if (!/^[a-z0-9.-]+$/.test(host) || host.split(".").some((label) => label === "")) {
    return fail(`"${host}" is not a valid host name`);
  }
  return { ok: true, host };
}

/** Says what is wrong with a host that fits no registry pattern, for the common mistakes. */
function describeMismatch(host: string): string {
  for (const own of [PUBLIC_HOST, PUBLIC_DUALSTACK_HOST]) {
    if (host.endsWith(`.${own}`) || host.startsWith(`${own}.`)) {
      return `${host} is not ECR Public: its hosts are exactly ${PUBLIC_HOST} and ${PUBLIC_DUALSTACK_HOST}`;
    }
  }
  if (/^(?:dkr\.ecr|dkr-ecr|ecr|api\.ecr)[.-]/.test(host)) {
    return `${host} names no account: a registry host starts with the 12-digit account id`;
  }
  if (/\.\d{12}\.dkr[.-]ecr/.test(host)) {
    return `${host} has labels before the account id: a registry host starts with the 12-digit account id`;
  }
  const account = /^([^.]*)\.dkr[.-]ecr/.exec(host)?.[1];
  if (account !== undefined && !/^\d{12}$/.test(account)) {
    return `"${account}" in ${host} is not a 12-digit account id`;
  }
  const embedded = /\.(?:amazonaws\.com(?:\.cn)?|amazonaws\.eu|on\.aws)\./.exec(host);
  if (embedded !== null) {
    return `${host} only contains an AWS domain; it ends in a different one, so it is not an ECR registry`;
  }
  return `${host} is not an Amazon ECR registry host`;
}
