/** STS GetCallerIdentity: who a set of credentials acts as (the token cache keys on it). */

import type { AwsCallOptions, CredentialProvider } from "../credentials/types.js";
import { toEcrVarsError } from "./errors.js";
import { requestHandlerOptions, watched } from "./http.js";

export async function callerIdentityArn(init: {
  readonly call: AwsCallOptions;
  readonly credentials: CredentialProvider;
}): Promise<string> {
  const credentials = await init.credentials();
  try {
    const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
    const client = watched(
      new STSClient({
        region: init.call.region,
        credentials,
        maxAttempts: init.call.maxAttempts,
        requestHandler: await requestHandlerOptions(init.call),
      }),
      init.call,
    );
    try {
      const output = await client.send(new GetCallerIdentityCommand({}));
      if (!output.Arn) throw new Error("GetCallerIdentity returned no Arn");
      return output.Arn;
    } finally {
      client.destroy();
    }
  } catch (error) {
    throw toEcrVarsError(error, {
      service: "STS",
      attemptTimeoutMs: init.call.attemptTimeoutMs,
      operation: "GetCallerIdentity",
      region: init.call.region,
      identity: credentials.source,
    });
  }
}
