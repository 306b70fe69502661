/** What the protocol handlers share: the request as received, the reply, and emulator state. */
import type { ContainerRole } from "./container.js";
import type { WireReply } from "./errors.js";
import type { WireRequest } from "./sigv4.js";
import type { CredentialStore, IssuedCredentials } from "./state.js";
import type { ErrorFault, RecordedRequest } from "./types.js";

export interface Call extends WireRequest {
  /** Decoded path, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
}

export type RecordDraft = Omit<RecordedRequest, "status">;

export interface Reply extends WireReply {
  readonly record: RecordDraft;
}

export interface InstanceRole {
  readonly roleName: string;
  readonly accountId: string;
}

export interface EmulatorContext {
  readonly store: CredentialStore;
  now(): Date;
  readonly accountId: string;
  password(): string;
  tokenExpiresAt(): Date;
  proxyEndpoint(registryId: string, region: string): string;
  readonly instanceRole: InstanceRole | undefined;
  readonly instanceRegion: string;
  readonly imdsVersion: "v2" | "v1-only";
  /** Role served at the container credentials endpoint (ECS/EKS), if any. */
  readonly containerRole: ContainerRole | undefined;
  /** Consumes one injected fault for `action`, if any is pending. */
  takeFault(action: string): ErrorFault | undefined;
  readonly imds: ImdsState;
}

export type RoleCredentials = IssuedCredentials & { readonly issuedAt: Date };

export interface ImdsState {
  /** IMDSv2 session tokens and when each stops being valid. */
  readonly tokens: Map<string, Date>;
  /** The instance role's current credentials, reused until close to expiry. */
  credentials: RoleCredentials | undefined;
}
