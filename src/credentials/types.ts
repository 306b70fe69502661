/** Credentials as the rest of the tool sees them: SDK-compatible, with their provenance. */

import type { CallWatch } from "../aws/attempts.js";
import type { HttpSettings } from "../aws/http.js";

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
  /** Where these came from, for logs and errors, e.g. `connector "prod-push" (assume-role ...)`. */
  readonly source: string;
  /**
   * Handed out by this host's instance metadata service or container credentials endpoint
   * (directly, not as the base of a role): the token cache keys them on that endpoint's answer.
   */
  readonly hostBound?: "imds" | "container";
}

/** A credential source: plugs straight into an SDK client's `credentials` option. */
export type CredentialProvider = () => Promise<Credentials>;

/** Settings every AWS call shares: region, per-attempt timeout and the environment. */
export interface AwsCallOptions {
  readonly region: string;
  /** Per-attempt timeout in milliseconds for connecting and for the response. */
  readonly attemptTimeoutMs: number;
  /** Attempts per call, including the first (transient faults only are retried). */
  readonly maxAttempts: number;
  /**
   * Proxy and CA agents from the environment (src/aws/http.ts), made on first use so that a run
   * answered from the token cache never loads them; absent for the SDK's defaults.
   */
  readonly http?: () => Promise<HttpSettings | undefined>;
  /** Sees every attempt: slow-call lines, the endpoint in errors, what the deadline waited for. */
  readonly watch?: CallWatch;
}
