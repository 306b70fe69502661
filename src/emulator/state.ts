/** Who exists in the emulated account(s), and every credential handed out so far. */
import { newAccessKeyId, newSecretAccessKey, newSessionToken, uniqueIdFor } from "./ids.js";

export type PrincipalKind = "user" | "assumed-role" | "federated-user";

/** What GetCallerIdentity reports for a credential. */
export interface Principal {
  readonly kind: PrincipalKind;
  readonly arn: string;
  readonly accountId: string;
  readonly userId: string;
  readonly partition: string;
}

/** How a credential came to be; STS refuses some calls for some origins, as AWS does. */
export type CredentialOrigin =
  | "iam-user"
  | "session-token"
  | "federation"
  | "assume-role"
  | "web-identity"
  | "instance-role"
  | "container-role";

export interface CredentialRecord {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
  readonly principal: Principal;
  readonly origin: CredentialOrigin;
}

export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export function userPrincipal(accountId: string, userName: string, partition = "aws"): Principal {
  const arn = `arn:${partition}:iam::${accountId}:user/${userName}`;
  return { kind: "user", arn, accountId, userId: uniqueIdFor("AIDA", arn), partition };
}

export function assumedRolePrincipal(
  partition: string,
  accountId: string,
  roleName: string,
  sessionName: string,
): Principal {
  const roleArn = `arn:${partition}:iam::${accountId}:role/${roleName}`;
  return {
    kind: "assumed-role",
    arn: `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    accountId,
    userId: `${uniqueIdFor("AROA", roleArn)}:${sessionName}`,
    partition,
  };
}

export function federatedPrincipal(partition: string, accountId: string, name: string): Principal {
  return {
    kind: "federated-user",
    arn: `arn:${partition}:sts::${accountId}:federated-user/${name}`,
    accountId,
    userId: `${accountId}:${name}`,
    partition,
  };
}

export class CredentialStore {
  readonly #byKey = new Map<string, CredentialRecord>();

  add(record: CredentialRecord): void {
    this.#byKey.set(record.accessKeyId, record);
  }

  get(accessKeyId: string): CredentialRecord | undefined {
    return this.#byKey.get(accessKeyId);
  }

  /** Mints temporary credentials for `principal` and remembers them for later signed calls. */
  issue(principal: Principal, origin: CredentialOrigin, expiration: Date): IssuedCredentials {
    const issued = {
      accessKeyId: newAccessKeyId("ASIA"),
      secretAccessKey: newSecretAccessKey(),
      sessionToken: newSessionToken(),
      expiration,
    };
    this.add({ ...issued, principal, origin });
    return issued;
  }
}
