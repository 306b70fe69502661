/** Decides who signed a request: the order of checks follows what AWS front ends report first. */
import { isRegion, partitionOf } from "../core/region.js";
import { type AuthFailure, SIGNATURE_MISMATCH } from "./errors.js";
import {
  type CredentialScope,
  expectedSignature,
  headerValue,
  parseAuthorization,
  signaturesEqual,
  type WireRequest,
} from "./sigv4.js";
import type { CredentialRecord, CredentialStore } from "./state.js";

/** AWS accepts signatures made up to five minutes either side of its own clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export type AuthResult =
  | { readonly ok: true; readonly record: CredentialRecord; readonly scope: CredentialScope }
  | { readonly ok: false; readonly failure: AuthFailure; readonly accessKeyId?: string };

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const date = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 0, h ?? 0, mi ?? 0, s ?? 0));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function skewProblem(signedAt: Date, amzDate: string, now: Date): string | undefined {
  const earliest = new Date(now.getTime() - MAX_CLOCK_SKEW_MS);
  const latest = new Date(now.getTime() + MAX_CLOCK_SKEW_MS);
  const nowText = formatAmzDate(now);
  if (signedAt < earliest) {
    return `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(earliest)} (${nowText} - 5 min.)`;
  }
  if (signedAt > latest) {
    return `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(latest)} (${nowText} + 5 min.)`;
  }
  return undefined;
}

function scopeProblem(
  scope: CredentialScope,
  service: string,
  amzDate: string,
): string | undefined {
  if (scope.terminator !== "aws4_request") {
    return `Credential should be scoped with a valid terminator: 'aws4_request', not '${scope.terminator}'. `;
  }
  if (scope.service !== service) {
    return `Credential should be scoped to correct service: '${service}'. `;
  }
  if (!isRegion(scope.region)) return "Credential should be scoped to a valid region. ";
  if (scope.date !== amzDate.slice(0, 8)) {
    return `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`;
  }
  return undefined;
}

/** Checks a SigV4-signed request for `service` against the credentials the emulator knows. */
export function authenticate(
  request: WireRequest,
  service: string,
  store: CredentialStore,
  now: Date,
): AuthResult {
  const header = headerValue(request.rawHeaders, "authorization");
  if (header === undefined || header === "") return { ok: false, failure: { kind: "missing" } };
  const parsed = parseAuthorization(header);
  if (!parsed.ok) return { ok: false, failure: { kind: "incomplete", message: parsed.message } };
  const auth = parsed.value;
  const accessKeyId = auth.scope.accessKeyId;
  const fail = (failure: AuthFailure): AuthResult => ({ ok: false, failure, accessKeyId });

  if (!auth.signedHeaders.includes("host")) {
    return fail({
      kind: "signature",
      message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    });
  }
  const amzDate = headerValue(request.rawHeaders, "x-amz-date");
  const signedAt = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signedAt === undefined) {
    return fail({
      kind: "incomplete",
      message: "Authorization header requires existence of a valid 'X-Amz-Date' header.",
    });
  }
  const skew = skewProblem(signedAt, amzDate, now);
  if (skew !== undefined) return fail({ kind: "signature", message: skew });

  const record = store.get(accessKeyId);
  if (record === undefined) return fail({ kind: "unknown-key" });
  const token = headerValue(request.rawHeaders, "x-amz-security-token");
  if (record.sessionToken === undefined ? token !== undefined : token === undefined) {
    return fail({ kind: "unknown-key" });
  }
  if (record.sessionToken !== undefined && !signaturesEqual(record.sessionToken, token ?? "")) {
    return fail({ kind: "unknown-key" });
  }
  if (record.expiration !== undefined && record.expiration <= now) {
    return fail({ kind: "expired-token" });
  }

  const scope = scopeProblem(auth.scope, service, amzDate);
  if (scope !== undefined) return fail({ kind: "signature", message: scope });
  // Each partition has its own IAM: keys of another partition are simply unknown there.
  if (record.principal.partition !== partitionOf(auth.scope.region).partition) {
    return fail({ kind: "unknown-key" });
  }
  const expected = expectedSignature(request, auth, amzDate, record.secretAccessKey);
  if (!signaturesEqual(expected, auth.signature.toLowerCase())) {
    return fail({ kind: "signature", message: SIGNATURE_MISMATCH });
  }
  return { ok: true, record, scope: auth.scope };
}
