/** STS GetCallerIdentity: who a set of credentials acts as (the token cache keys on it). */

import type { CredentialProvider, Credentials } from "../core/credentials.js";
import { type AwsCallOptions, callAws } from "./call.js";

export interface CallerIdentity {
  readonly account: string | undefined;
  readonly arn: string | undefined;
  readonly userId: string | undefined;
}

/** The identity `credentials` act as, as STS answers it. */
export async function callerIdentity(
  credentials: Credentials,
  call: AwsCallOptions,
  check: (identity: CallerIdentity) => void = () => {},
): Promise<CallerIdentity> {
  const { source, ...keys } = credentials;
  return callAws(
    { service: "STS", operation: "GetCallerIdentity", call, identity: source },
    async ({ config, use }) => {
      const { STSClient, GetCallerIdentityCommand } = await import("./sdk.js");
      const out = await use(new STSClient({ ...config, credentials: keys })).send(
        new GetCallerIdentityCommand({}),
      );
      const identity = { account: out.Account, arn: out.Arn, userId: out.UserId };
      check(identity);
      return identity;
    },
  );
}

export async function callerIdentityArn(init: {
  readonly call: AwsCallOptions;
  readonly credentials: CredentialProvider;
}): Promise<string> {
  const { arn } = await callerIdentity(await init.credentials(), init.call, (identity) => {
    if (!identity.arn) throw new Error("GetCallerIdentity returned no Arn");
  });
  return arn as string;
}
