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

// Region codes have the form <area>-<direction>-<number>, with a partition qualifier after the area
// for the non-commercial partitions (us-gov-west-1, us-iso-east-1, eusc-de-east-1, cn-north-1).
const REGION_PATTERN =
  /^(?:(?:af|ap|ca|eu|il|me|mx|sa|us)-(?:central|north|south|east|west|northeast|northwest|southeast|southwest)-\d{1,2}|cn-(?:north|northwest)-\d|us-gov-(?:east|west)-\d|us-iso-(?:east|west)-\d|us-isob-east-\d|eu-isoe-west-\d|us-isof-(?:east|south)-\d|eusc-de-east-\d)$/;

/** True when `value` looks like an AWS region code. */
export function isRegion(value: string): boolean {
  return REGION_PATTERN.test(value);
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
