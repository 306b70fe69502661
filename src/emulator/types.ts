/** Public types of the emulator. */

export interface EmulatorUser {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Default `ecr-vars-user`. */
  readonly userName?: string;
  /** Default: the emulator's `accountId`. */
  readonly accountId?: string;
  /**
   * Default `aws`. Keys work only in regions of their partition, as on AWS: a request signed for
   * cn-north-1 with `aws` keys is refused with UnrecognizedClientException.
   */
  readonly partition?: string;
}

export interface EmulatorOptions {
  /** Loopback only: 127.0.0.0/8, ::1 or `localhost`. Default `127.0.0.1`. */
  readonly host?: string;
  /** Default 0: an ephemeral port, read it back from `url`. */
  readonly port?: number;
  /** Account of the default IAM user and of the instance role. Default `123456789012`. */
  readonly accountId?: string;
  /** IAM user keys to accept. When empty, one user with random keys is created. */
  readonly users?: readonly EmulatorUser[];
  /** Role served by IMDSv2, or `false` for a machine without an instance profile. */
  readonly instanceRole?: { readonly roleName: string; readonly accountId?: string } | false;
  /** Role served at `/v1/credentials` and `/v2/credentials/*` (ECS/EKS), or `false` for none. */
  readonly containerRole?: { readonly roleName: string; readonly accountId?: string } | false;
  /**
   * `v1-only` emulates a metadata service without session tokens (an old or third-party one):
   * `PUT /latest/api/token` answers 404 and reads need no token. Default `v2` (tokens required).
   */
  readonly imdsVersion?: "v2" | "v1-only";
  /** Region IMDS reports for the instance. Default `us-east-1`. */
  readonly instanceRegion?: string;
  /** Password carried by ECR tokens. Default: random, shaped like a real one. */
  readonly password?: string;
  /** Expiry of issued ECR tokens. Default: 12 hours after each call. */
  readonly expiresAt?: Date | (() => Date);
  /** Default `https://<id>.dkr.ecr.<region>.<partition DNS suffix>`. */
  readonly proxyEndpoint?: (registryId: string, region: string) => string;
  /** Time as the emulated AWS sees it; drives expiry and the signature clock-skew check. */
  readonly clock?: () => Date;
}

export type EmulatedService = "ecr" | "ecr-public" | "sts" | "imds" | "container";

/** One request as the emulator saw it. Never holds a secret, so tests may print it. */
export interface RecordedRequest {
  readonly service: EmulatedService;
  readonly action: string;
  /** From the SigV4 credential scope. */
  readonly region?: string;
  readonly accessKeyId?: string;
  /** Identity of the caller once authenticated. */
  readonly identityArn?: string;
  /** Request parameters, with tokens and MFA codes replaced by `<redacted>`. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly status: number;
  readonly errorCode?: string;
}

/** An error to return instead of running the action. */
export interface ErrorFault {
  readonly status: number;
  readonly code: string;
  readonly message?: string;
  /** How many calls fail. Default 1. */
  readonly count?: number;
}

/**
 * A fault of the connection rather than of the service, applied after the action ran (as when a
 * network drops the answer): `hang` accepts the request and never answers (until `close`),
 * `delay` answers normally after `ms`, `reset` destroys the connection, `cut` sends the headers
 * and half the body and then destroys the connection, `malformed` answers 200 with a body that
 * is not the protocol's JSON or XML.
 */
export type TransportFault =
  | { readonly kind: "hang"; readonly count?: number }
  | { readonly kind: "delay"; readonly ms: number; readonly count?: number }
  | { readonly kind: "reset"; readonly count?: number }
  | { readonly kind: "cut"; readonly count?: number }
  | { readonly kind: "malformed"; readonly count?: number };

export type Fault = ErrorFault | TransportFault;

export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`; serves ECR, STS and IMDS alike. */
  readonly url: string;
  readonly defaultUser: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly arn: string;
  };
  /** Container credentials: the values for AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN. */
  readonly container?: { readonly fullUri: string; readonly authorizationToken: string };
  readonly requests: RecordedRequest[];
  setPassword(password: string): void;
  setExpiresAt(expiresAt: Date): void;
  /**
   * The next `count` calls of `action` (an ECR or STS action name, or an IMDS one:
   * `GetToken`, `ListRoles`, `GetRoleCredentials`, …) fail with this error, after authentication,
   * or meet this transport fault. `count: Infinity` fails every later call.
   */
  failNext(action: string, fault: Fault): void;
  /**
   * How many requests so far match the filter (all when empty), e.g.
   * `countCalls({ service: "ecr", action: "GetAuthorizationToken", region: "eu-west-1" })`.
   */
  countCalls(filter?: {
    readonly service?: EmulatedService;
    readonly action?: string;
    readonly region?: string;
  }): number;
  close(): Promise<void>;
}
