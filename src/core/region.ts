/** AWS region codes and the partition each belongs to. */

export type Partition =
  | "aws"
  | "aws-cn"
  | "aws-us-gov"
  | "aws-iso"
  | "aws-iso-b"
  | "aws-iso-e"
  | "aws-iso-f"
  | "aws-eusc";

export interface PartitionInfo {
  readonly partition: Partition;
  /** DNS suffix of the partition's service endpoints, e.g. `amazonaws.com`. */
  readonly dnsSuffix: string;
}

// Region codes have the form <area>-<direction>-<number> (one or two digits), or, in the
// non-commercial partitions, a fixed name with a partition qualifier and one digit
// (us-gov-west-1, us-iso-east-1, eusc-de-east-1, cn-north-1), looked up in sets.
const AREAS = new Set(["af", "ap", "ca", "eu", "il", "me", "mx", "sa", "us"]);
const DIRECTIONS = new Set([
  ...["central", "north", "south", "east", "west"],
  ...["northeast", "northwest", "southeast", "southwest"],
]);
const QUALIFIED = new Set([
  ...["cn-north", "cn-northwest", "us-gov-east", "us-gov-west", "us-iso-east", "us-iso-west"],
  ...["us-isob-east", "eu-isoe-west", "us-isof-east", "us-isof-south", "eusc-de-east"],
]);

/** True when `value` looks like an AWS region code. */
export function isRegion(value: string): boolean {
  const match = /^([a-z]+(?:-[a-z]+)+)-(\d{1,2})$/.exec(value);
  if (match === null) return false;
  const [, name = "", number = ""] = match;
  if (QUALIFIED.has(name)) return number.length === 1;
  const dash = name.indexOf("-");
  return AREAS.has(name.slice(0, dash)) && DIRECTIONS.has(name.slice(dash + 1));
}

/** The partition a region belongs to. Call only with a value for which `isRegion` is true. */
export function partitionOf(region: string): PartitionInfo {
  if (region.startsWith("cn-")) return { partition: "aws-cn", dnsSuffix: "amazonaws.com.cn" };
  if (region.startsWith("us-gov-")) return { partition: "aws-us-gov", dnsSuffix: "amazonaws.com" };
  if (region.startsWith("us-isob-")) return { partition: "aws-iso-b", dnsSuffix: "sc2s.sgov.gov" };
  if (region.startsWith("us-iso-")) return { partition: "aws-iso", dnsSuffix: "c2s.ic.gov" };
  if (region.startsWith("eu-isoe-")) return { partition: "aws-iso-e", dnsSuffix: "cloud.adc-e.uk" };
  if (region.startsWith("us-isof-")) return { partition: "aws-iso-f", dnsSuffix: "csp.hci.ic.gov" };
  if (region.startsWith("eusc-")) return { partition: "aws-eusc", dnsSuffix: "amazonaws.eu" };
  return { partition: "aws", dnsSuffix: "amazonaws.com" };
}
