/** AWS error shapes for the two wire protocols the emulator speaks. */
import { xmlElement } from "./xml.js";

export const STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

export interface AwsError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Query protocol `<Type>`: a caller mistake (Sender) or a service fault (Receiver). */
  readonly type?: "Sender" | "Receiver";
}

/** Why a request could not be authenticated, independent of the protocol that reports it. */
export type AuthFailure =
  | { readonly kind: "missing" }
  | { readonly kind: "incomplete"; readonly message: string }
  | { readonly kind: "unknown-key" }
  | { readonly kind: "expired-token" }
  | { readonly kind: "signature"; readonly message: string };

export const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const INVALID_TOKEN = "The security token included in the request is invalid.";
const EXPIRED_TOKEN = "The security token included in the request is expired";

/** ECR (AWS JSON 1.1) reports authentication failures with `…Exception` names. */
export function ecrAuthError(failure: AuthFailure): AwsError {
  switch (failure.kind) {
    case "missing":
      return {
        status: 403,
        code: "MissingAuthenticationTokenException",
        message: "Missing Authentication Token",
      };
    case "incomplete":
      return { status: 400, code: "IncompleteSignatureException", message: failure.message };
    case "unknown-key":
      return { status: 400, code: "UnrecognizedClientException", message: INVALID_TOKEN };
    case "expired-token":
      return { status: 400, code: "ExpiredTokenException", message: EXPIRED_TOKEN };
    case "signature":
      return { status: 400, code: "InvalidSignatureException", message: failure.message };
  }
}

/** STS (AWS query) uses its own, shorter codes for the same failures. */
export function stsAuthError(failure: AuthFailure): AwsError {
  switch (failure.kind) {
    case "missing":
      return {
        status: 403,
        code: "MissingAuthenticationToken",
        message: "Request is missing Authentication Token",
      };
    case "incomplete":
      return { status: 400, code: "IncompleteSignature", message: failure.message };
    case "unknown-key":
      return { status: 403, code: "InvalidClientTokenId", message: INVALID_TOKEN };
    case "expired-token":
      return { status: 403, code: "ExpiredToken", message: EXPIRED_TOKEN };
    case "signature":
      return { status: 403, code: "SignatureDoesNotMatch", message: failure.message };
  }
}

export interface WireReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export function jsonErrorReply(error: AwsError, requestId: string): WireReply {
  return {
    status: error.status,
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amzn-RequestId": requestId,
      "x-amzn-ErrorType": error.code,
    },
    body: JSON.stringify({ __type: error.code, message: error.message }),
  };
}

export function queryErrorReply(error: AwsError, requestId: string): WireReply {
  const type = error.type ?? (error.status >= 500 ? "Receiver" : "Sender");
  const body = xmlElement("ErrorResponse", { xmlns: STS_NAMESPACE }, [
    xmlElement("Error", {}, [
      xmlElement("Type", {}, type),
      xmlElement("Code", {}, error.code),
      xmlElement("Message", {}, error.message),
    ]),
    xmlElement("RequestId", {}, requestId),
  ]);
  return {
    status: error.status,
    headers: { "content-type": "text/xml", "x-amzn-RequestId": requestId },
    body: `${body}\n`,
  };
}
