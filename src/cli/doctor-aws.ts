/**
 * The AWS side of `ecr-vars doctor` (docs/doctor.md): what each link of the default credential
 * chain yields and who it is, whether that identity may call ecr:GetAuthorizationToken, the
 * clock against AWS's `Date` header, the instance metadata service, proxy routing per endpoint,
 * and a web identity token against what STS answered. Secrets seen on the way go to the
 * redactor first and are never printed.
 */

import type { AwsCallOptions } from "../aws/call.js";
import { callerIdentity } from "../aws/caller-identity.js";
import { ecrEndpointOverridden, fetchAuthorizations } from "../aws/ecr.js";
import type { Credentials } from "../core/credentials.js";
import { isEcrVarsError } from "../core/errors.js";
import type { Env } from "../core/expressions.js";
import { partitionOf } from "../core/region.js";
import { activeProfile } from "../platform/aws-config.js";
import { probe } from "./doctor-http.js";
import type { CheckResult } from "./doctor-report.js";

export interface LinkResult {
  readonly link: string;
  /** What the link yields: credentials (then `arn` once STS answers), or why it gave none. */
  readonly credentials?: Credentials;
  readonly arn?: string;
  readonly account?: string;
  readonly problem?: string;
}

export interface AwsContext {
  readonly env: Env;
  readonly call: AwsCallOptions;
  readonly onSecret: (secret: string) => void;
}

const firstLine = (error: unknown) =>
  String(isEcrVarsError(error) ? error.message : ((error as Error)?.message ?? error)).split(
    "\n",
  )[0] ?? "";

/** Each link of the default chain, in the SDK's order, asked on its own, then STS for who it is. */
export async function chainLinks(context: AwsContext): Promise<LinkResult[]> {
  const { env, call } = context;
  const sdk = await import("../aws/sdk.js");
  const { providerClients } = await import("../aws/call.js");
  const clients = await providerClients(call);
  const profile = activeProfile(env);
  const quick = { timeout: Math.min(call.attemptTimeoutMs, 2000), maxRetries: 0 };
  const links: Array<[string, (() => Promise<Omit<Credentials, "source">>) | string]> = [
    [
      "environment",
      env.AWS_PROFILE
        ? `skipped: AWS_PROFILE=${env.AWS_PROFILE} is set`
        : env.AWS_ACCESS_KEY_ID || env.AWS_SECRET_ACCESS_KEY
          ? sdk.fromEnv()
          : "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
    ],
    [`profile ${profile}`, sdk.fromIni({ profile, ...clients })],
    [
      "web identity",
      env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN
        ? sdk.fromTokenFile({ ...clients })
        : "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not both set",
    ],
  ];
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
    links.push(["container role", sdk.fromContainerMetadata(quick)]);
  } else if (env.AWS_EC2_METADATA_DISABLED?.toLowerCase() === "true") {
    links.push(["instance role", "not asked: AWS_EC2_METADATA_DISABLED=true"]);
  } else {
    links.push(["instance role", sdk.fromInstanceMetadata(quick)]);
  }
  const results: LinkResult[] = [];
  for (const [index, [name, provider]] of links.entries()) {
    const link = `link ${index + 1} (${name})`;
    if (typeof provider === "string") {
      results.push({ link, problem: provider });
      continue;
    }
    let credentials: Credentials;
    try {
      const keys = await provider();
      context.onSecret(keys.secretAccessKey);
      if (keys.sessionToken) context.onSecret(keys.sessionToken);
      credentials = { ...keys, source: `the default chain's ${link}` };
    } catch (error) {
      results.push({ link, problem: `no credentials: ${firstLine(error)}` });
      continue;
    }
    try {
      const identity = await callerIdentity(credentials, call);
      results.push({
        link,
        credentials,
        ...(identity.arn === undefined ? {} : { arn: identity.arn }),
        ...(identity.account === undefined ? {} : { account: identity.account }),
      });
    } catch (error) {
      results.push({ link, credentials, problem: `STS refused them: ${firstLine(error)}` });
    }
  }
  return results;
}

/** The chain answers with its first link that yields credentials. */
export function credentialsCheck(links: readonly LinkResult[]): CheckResult {
  const details = links.map((l) =>
    l.arn !== undefined ? `${l.link}: ${l.arn} (key ${mask(l)})` : `${l.link}: ${l.problem}`,
  );
  const used = links.find((l) => l.credentials !== undefined);
  if (used === undefined) {
    return {
      check: "credentials",
      status: "fail",
      summary: "no link of the default credential chain gives credentials",
      fix: "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE=NAME (after aws sso login for SSO), or run with an instance, container or web identity role",
      details,
      exitCode: 3,
    };
  }
  if (used.arn === undefined) {
    return {
      check: "credentials",
      status: "fail",
      summary: `${used.link} answers first, and STS does not accept its credentials`,
      fix: "replace the keys (expired, deactivated or of another partition), or remove them so a later link answers",
      details,
      exitCode: 3,
    };
  }
  return {
    check: "credentials",
    status: "pass",
    summary: `${used.link} answers first: ${used.arn}`,
    details,
  };
}

function mask(link: LinkResult): string {
  const id = link.credentials?.accessKeyId ?? "";
  return `${id.slice(0, 4)}…${id.slice(-4)}`;
}

/** A real GetAuthorizationToken per region, with the identity the chain gives. */
export async function permissionChecks(
  context: AwsContext,
  used: LinkResult | undefined,
  regions: ReadonlyMap<string, readonly string[]>,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [region, registryIds] of regions) {
    const check = `ecr:GetAuthorizationToken ${region}`;
    if (used?.credentials === undefined) {
      results.push({ check, status: "skip", summary: "not tried: no credentials" });
      continue;
    }
    const credentials = used.credentials;
    try {
      const answers = await fetchAuthorizations({
        call: { ...context.call, region },
        credentials: async () => credentials,
        registryIds,
        endpointOverridden: ecrEndpointOverridden(context.env),
      });
      for (const a of answers) context.onSecret(a.authorizationToken);
      const hosts = answers.map((a) => a.proxyEndpoint.replace(/^https:\/\//, ""));
      results.push({
        check,
        status: "pass",
        summary: `allowed for ${used.arn ?? used.link}: ${hosts.join(", ")}`,
      });
    } catch (error) {
      const message = firstLine(error);
      const denied = /AccessDenied|not authorized/i.test(message);
      results.push({
        check,
        status: "fail",
        summary: message,
        fix: denied
          ? `allow ecr:GetAuthorizationToken to ${used.arn ?? "this identity"} (ecr-vars policy --region ${region} prints a policy)`
          : "see the error; the clock and proxy checks below may say why",
        exitCode: 4,
      });
    }
  }
  return results;
}

/** Where STS is for `region`: the endpoint override the SDK honours, else AWS's. */
export function stsEndpoint(env: Env, region: string): string {
  const override = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL;
  if (override && env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== "true") return override;
  return `https://sts.${region}.${partitionOf(region).dnsSuffix}`;
}

/** Our clock against the `Date` header of an STS answer (AWS refuses signatures 5 min off). */
export async function clockCheck(context: AwsContext, now: () => Date): Promise<CheckResult> {
  const endpoint = stsEndpoint(context.env, context.call.region);
  const sent = now().getTime();
  const answer = await probe(endpoint, {
    method: "GET",
    timeoutMs: context.call.attemptTimeoutMs,
    env: context.env,
  });
  const received = now().getTime();
  const date = answer.kind === "answer" ? answer.headers.date : undefined;
  if (date === undefined || Number.isNaN(Date.parse(String(date)))) {
    return {
      check: "clock",
      status: "fail",
      summary: `no Date header from ${endpoint}: ${answer.kind === "answer" ? `HTTP ${answer.status}` : answer.message}`,
      fix: "check the network path to STS (see the proxy check)",
      exitCode: 4,
    };
  }
  // The header has whole seconds: compare with the middle of the round trip, allow 1 s of it.
  const skewMs = (sent + received) / 2 - Date.parse(String(date));
  const seconds = Math.round(skewMs / 1000);
  const text = `${Math.abs(seconds)} s ${seconds >= 0 ? "ahead of" : "behind"} AWS (Date header of ${endpoint})`;
  if (Math.abs(skewMs) >= 5 * 60_000) {
    return {
      check: "clock",
      status: "fail",
      summary: `this machine's clock is ${text}; AWS refuses requests signed more than 5 minutes off`,
      fix: "synchronise the clock (timedatectl set-ntp true, or chronyd / ntpd)",
      exitCode: 4,
    };
  }
  return { check: "clock", status: "pass", summary: text };
}
