/**
 * The least-privilege IAM policy for a set of registries (`ecr-vars policy`): what an identity
 * needs to log in, and with `pull` / `push` the repository actions, scoped to each registry's
 * repositories. One IAM policy lives in one partition, so the registries must share one.
 */

import type { Registry } from "./registries.js";

export interface PolicyMode {
  readonly pull: boolean;
  readonly push: boolean;
}

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export interface Policy {
  readonly document: PolicyDocument;
  /** Things the user should know (wildcards used, several identities); never secrets. */
  readonly notes: readonly string[];
}

const PULL_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
];
const PUSH_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:CompleteLayerUpload",
  "ecr:InitiateLayerUpload",
  "ecr:PutImage",
  "ecr:UploadLayerPart",
];
const PUBLIC_PUSH_ACTIONS = PUSH_ACTIONS.map((action) => action.replace("ecr:", "ecr-public:"));
/** ECR Public logins: its token, and the STS bearer token it is exchanged for behind the scenes. */
export const PUBLIC_LOGIN_ACTIONS = [
  "ecr-public:GetAuthorizationToken",
  "sts:GetServiceBearerToken",
];

/** Builds the policy. Call with registries of one partition (see `partitionsOf`). */
export function buildPolicy(registries: readonly Registry[], mode: PolicyMode): Policy {
  const notes: string[] = [];
  const statements: PolicyStatement[] = [];
  const privates = registries.filter((r) => r.kind === "private");
  const hasPublic = registries.some((r) => r.kind === "public");

  if (privates.length > 0) {
    // GetAuthorizationToken has no resource to scope; the regions it may be asked in are scoped.
    const regions = unique(privates.map((r) => r.region));
    statements.push({
      Sid: "EcrLogin",
      Effect: "Allow",
      Action: "ecr:GetAuthorizationToken",
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestedRegion": regions } },
    });
  }
  const repositories = unique(
    privates.map((r) => {
      if (r.accountId === undefined) {
        notes.push(
          `the registry in ${r.region} is the caller's own; its account is unknown here, so the policy allows any account's repositories there: name it with --registry-id to narrow it`,
        );
      }
      return `arn:${r.partition}:ecr:${r.region}:${r.accountId ?? "*"}:repository/*`;
    }),
  );
  const actions = unique([...(mode.pull ? PULL_ACTIONS : []), ...(mode.push ? PUSH_ACTIONS : [])]);
  if (repositories.length > 0 && actions.length > 0) {
    statements.push({
      Sid: mode.push ? (mode.pull ? "EcrPullPush" : "EcrPush") : "EcrPull",
      Effect: "Allow",
      Action: actions.sort(),
      Resource: repositories,
    });
  }
  if (hasPublic) {
    statements.push({
      Sid: "EcrPublicLogin",
      Effect: "Allow",
      Action: PUBLIC_LOGIN_ACTIONS,
      Resource: "*",
    });
    if (mode.push) {
      // An ECR Public registry belongs to the caller's own account, which is not known here.
      statements.push({
        Sid: "EcrPublicPush",
        Effect: "Allow",
        Action: [...PUBLIC_PUSH_ACTIONS].sort(),
        Resource: "arn:aws:ecr-public::*:repository/*",
      });
      notes.push(
        "ECR Public repositories belong to the caller's account: replace * in arn:aws:ecr-public::*:repository/* with it to narrow the policy",
      );
    }
    if (mode.pull && !mode.push) {
      notes.push("pulling from ECR Public needs no IAM permission beyond the login");
    }
  }
  const identities = unique(registries.map((r) => JSON.stringify(r.identity)));
  if (identities.length > 1) {
    notes.push(
      `the registries use ${identities.length} different identities: attach to each the statements for its own registries`,
    );
  }
  return { document: { Version: "2012-10-17", Statement: statements }, notes: unique(notes) };
}

/** The partitions the registries are in, in first-seen order. */
export function partitionsOf(registries: readonly Registry[]): string[] {
  return unique(registries.map((r) => r.partition));
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
