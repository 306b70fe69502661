/** The STS actions: each validates its parameters, mints credentials and returns result XML. */
import type { EmulatorContext } from "./context.js";
import type { AwsError } from "./errors.js";
import { readWebIdentityToken } from "./jwt.js";
import {
  assumedRolePrincipal,
  type CredentialRecord,
  federatedPrincipal,
  type IssuedCredentials,
} from "./state.js";
import { NAME_PATTERN, Params, validationError } from "./validate.js";
import { xmlElement } from "./xml.js";

export type ActionOutcome =
  | { readonly ok: true; readonly result: readonly string[] }
  | { readonly ok: false; readonly error: AwsError };

export type StsAction = (
  params: URLSearchParams,
  caller: CredentialRecord | undefined,
  ctx: EmulatorContext,
) => ActionOutcome;

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;
const ROLE_ARN_TEXT = "arn:<partition>:iam::<12 digits>:role/<name>";
const SESSION_NAME = { required: true, min: 2, max: 64, pattern: NAME_PATTERN };
const ONE_HOUR = 3600;
const MAX_ROLE_SECONDS = 43_200;
const MAX_USER_SECONDS = 129_600;

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function credentialsXml(c: IssuedCredentials): string {
  return xmlElement("Credentials", {}, [
    xmlElement("AccessKeyId", {}, c.accessKeyId),
    xmlElement("SecretAccessKey", {}, c.secretAccessKey),
    xmlElement("SessionToken", {}, c.sessionToken),
    xmlElement("Expiration", {}, isoSeconds(c.expiration)),
  ]);
}

function assumedRoleUserXml(arn: string, userId: string): string {
  return xmlElement("AssumedRoleUser", {}, [
    xmlElement("AssumedRoleId", {}, userId),
    xmlElement("Arn", {}, arn),
  ]);
}

function later(ctx: EmulatorContext, seconds: number): Date {
  return new Date(ctx.now().getTime() + seconds * 1000);
}

/** Inline session policies must at least be JSON; AWS also reports how much room they took. */
function packedPolicy(params: URLSearchParams): { size?: number; error?: AwsError } {
  const policy = params.get("Policy");
  const tagCount = [...params.keys()].filter((k) => /^Tags\.member\.\d+\.Key$/.test(k)).length;
  if (policy !== null) {
    try {
      const parsed: unknown = JSON.parse(policy);
      if (typeof parsed !== "object" || parsed === null) throw new Error("not an object");
    } catch {
      return {
        error: {
          status: 400,
          code: "MalformedPolicyDocument",
          message: "The policy is not in the valid JSON format.",
        },
      };
    }
  }
  if (policy === null && tagCount === 0) return {};
  return { size: Math.min(100, Math.ceil(((policy?.length ?? 0) + tagCount * 40) / 20)) };
}

function packedXml(size: number | undefined): string[] {
  return size === undefined ? [] : [xmlElement("PackedPolicySize", {}, String(size))];
}

function roleFromArn(arn: string | undefined) {
  const m = arn === undefined ? null : ROLE_ARN.exec(arn);
  return m === null
    ? undefined
    : { partition: m[1] ?? "aws", accountId: m[2] ?? "", roleName: m[3] ?? "" };
}

export const getCallerIdentity: StsAction = (_params, caller) => {
  const principal = caller?.principal;
  if (principal === undefined) return { ok: false, error: validationError("No caller identity.") };
  return {
    ok: true,
    result: [
      xmlElement("Arn", {}, principal.arn),
      xmlElement("UserId", {}, principal.userId),
      xmlElement("Account", {}, principal.accountId),
    ],
  };
};

/** AssumeRole and AssumeRoleWithWebIdentity check RoleArn alike. */
const ROLE_ARN_RULE = {
  required: true,
  min: 20,
  max: 2048,
  pattern: ROLE_ARN,
  patternText: ROLE_ARN_TEXT,
} as const;

export const assumeRole: StsAction = (params, caller, ctx) => {
  const p = new Params(params);
  const roleArn = p.string("RoleArn", "roleArn", ROLE_ARN_RULE);
  const sessionName = p.string("RoleSessionName", "roleSessionName", SESSION_NAME);
  const duration =
    p.integer("DurationSeconds", "durationSeconds", 900, MAX_ROLE_SECONDS) ?? ONE_HOUR;
  p.string("ExternalId", "externalId", { min: 2, max: 1224, pattern: /^[\w+=,.@:/-]*$/ });
  p.string("SourceIdentity", "sourceIdentity", { min: 2, max: 64, pattern: NAME_PATTERN });
  p.string("Policy", "policy", { min: 1, max: 2048 });
  const invalid = p.error();
  if (invalid !== undefined) return { ok: false, error: invalid };
  const role = roleFromArn(roleArn);
  if (role === undefined || sessionName === undefined)
    return { ok: false, error: validationError("Invalid RoleArn") };
  if (caller?.principal.kind === "assumed-role" && duration > ONE_HOUR) {
    return {
      ok: false,
      error: validationError(
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
      ),
    };
  }
  const packed = packedPolicy(params);
  if (packed.error !== undefined) return { ok: false, error: packed.error };
  const principal = assumedRolePrincipal(
    role.partition,
    role.accountId,
    role.roleName,
    sessionName,
  );
  const issued = ctx.store.issue(principal, "assume-role", later(ctx, duration));
  const sourceIdentity = params.get("SourceIdentity");
  return {
    ok: true,
    result: [
      credentialsXml(issued),
      assumedRoleUserXml(principal.arn, principal.userId),
      ...packedXml(packed.size),
      ...(sourceIdentity === null ? [] : [xmlElement("SourceIdentity", {}, sourceIdentity)]),
    ],
  };
};

export const assumeRoleWithWebIdentity: StsAction = (params, _caller, ctx) => {
  const p = new Params(params);
  const roleArn = p.string("RoleArn", "roleArn", ROLE_ARN_RULE);
  const sessionName = p.string("RoleSessionName", "roleSessionName", SESSION_NAME);
  const token = p.secret("WebIdentityToken", "webIdentityToken", {
    required: true,
    min: 4,
    max: 20_000,
  });
  const duration =
    p.integer("DurationSeconds", "durationSeconds", 900, MAX_ROLE_SECONDS) ?? ONE_HOUR;
  p.string("Policy", "policy", { min: 1, max: 2048 });
  const invalid = p.error();
  if (invalid !== undefined) return { ok: false, error: invalid };
  const role = roleFromArn(roleArn);
  if (role === undefined || sessionName === undefined || token === undefined) {
    return { ok: false, error: validationError("Invalid RoleArn") };
  }
  const read = readWebIdentityToken(token, ctx.now());
  if (!read.ok) return { ok: false, error: read.error };
  const packed = packedPolicy(params);
  if (packed.error !== undefined) return { ok: false, error: packed.error };
  const principal = assumedRolePrincipal(
    role.partition,
    role.accountId,
    role.roleName,
    sessionName,
  );
  const issued = ctx.store.issue(principal, "web-identity", later(ctx, duration));
  const { claims } = read;
  return {
    ok: true,
    result: [
      credentialsXml(issued),
      xmlElement("SubjectFromWebIdentityToken", {}, claims.subject),
      assumedRoleUserXml(principal.arn, principal.userId),
      ...packedXml(packed.size),
      xmlElement("Provider", {}, claims.issuer),
      xmlElement("Audience", {}, claims.audience),
    ],
  };
};

function sessionCredentialsRefused(
  caller: CredentialRecord | undefined,
  action: string,
): AwsError | undefined {
  if (caller?.origin === "iam-user") return undefined;
  return {
    status: 403,
    code: "AccessDenied",
    message: `Cannot call ${action} with session credentials`,
  };
}

export const getSessionToken: StsAction = (params, caller, ctx) => {
  const p = new Params(params);
  const duration =
    p.integer("DurationSeconds", "durationSeconds", 900, MAX_USER_SECONDS) ?? MAX_ROLE_SECONDS;
  const serial = p.string("SerialNumber", "serialNumber", {
    min: 9,
    max: 256,
    pattern: /^[\w+=/:,.@-]*$/,
  });
  const code = p.secret("TokenCode", "tokenCode", { min: 6, max: 6 });
  const invalid = p.error();
  if (invalid !== undefined) return { ok: false, error: invalid };
  if ((serial === undefined) !== (code === undefined)) {
    return {
      ok: false,
      error: validationError("SerialNumber and TokenCode must be given together."),
    };
  }
  if (code !== undefined && !/^\d{6}$/.test(code)) {
    return {
      ok: false,
      error: {
        status: 403,
        code: "AccessDenied",
        message: "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
      },
    };
  }
  const refused = sessionCredentialsRefused(caller, "GetSessionToken");
  if (refused !== undefined || caller === undefined)
    return { ok: false, error: refused ?? validationError("No caller.") };
  const issued = ctx.store.issue(caller.principal, "session-token", later(ctx, duration));
  return { ok: true, result: [credentialsXml(issued)] };
};

export const getFederationToken: StsAction = (params, caller, ctx) => {
  const p = new Params(params);
  const name = p.string("Name", "name", { required: true, min: 2, max: 32, pattern: NAME_PATTERN });
  const duration =
    p.integer("DurationSeconds", "durationSeconds", 900, MAX_USER_SECONDS) ?? MAX_ROLE_SECONDS;
  p.string("Policy", "policy", { min: 1, max: 2048 });
  const invalid = p.error();
  if (invalid !== undefined || name === undefined)
    return { ok: false, error: invalid ?? validationError("Name") };
  const refused = sessionCredentialsRefused(caller, "GetFederationToken");
  if (refused !== undefined || caller === undefined)
    return { ok: false, error: refused ?? validationError("No caller.") };
  const packed = packedPolicy(params);
  if (packed.error !== undefined) return { ok: false, error: packed.error };
  const principal = federatedPrincipal(
    caller.principal.partition,
    caller.principal.accountId,
    name,
  );
  const issued = ctx.store.issue(principal, "federation", later(ctx, duration));
  return {
    ok: true,
    result: [
      credentialsXml(issued),
      xmlElement("FederatedUser", {}, [
        xmlElement("FederatedUserId", {}, principal.userId),
        xmlElement("Arn", {}, principal.arn),
      ]),
      ...packedXml(packed.size ?? 1),
    ],
  };
};
