/**
 * What the project uses of the AWS SDK, in one place: every other module imports the SDK through
 * this one, dynamically (`await import("../aws/sdk.js")`), and only the types straight from its
 * packages (ARCHITECTURE.md, "Start-up"). The programs' build makes this module the entry of
 * `dist/aws-sdk.cjs`, so a run loads the SDK only when it calls AWS, and the bundle holds what is
 * named here and what that needs, not every operation of every client (docs/start-up.md).
 */

export { ECRClient, GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
export {
  ECRPUBLICClient,
  GetAuthorizationTokenCommand as GetPublicAuthorizationTokenCommand,
} from "@aws-sdk/client-ecr-public";
export {
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
  STSClient,
} from "@aws-sdk/client-sts";
export {
  fromContainerMetadata,
  fromEnv,
  fromHttp,
  fromIni,
  fromInstanceMetadata,
  fromNodeProviderChain,
  fromTemporaryCredentials,
  fromTokenFile,
  fromWebToken,
} from "@aws-sdk/credential-providers";
