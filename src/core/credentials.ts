/** Credentials as the rest of the tool sees them: SDK-compatible, with their provenance. */

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
