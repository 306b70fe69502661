/** Credentials as the rest of the tool sees them: SDK-compatible, with their provenance. */

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
  /** Where these came from, for logs and errors, e.g. `connector "prod-push" (assume-role ...)`. */
  readonly source: string;
}

/** A credential source: plugs straight into an SDK client's `credentials` option. */
export type CredentialProvider = () => Promise<Credentials>;
