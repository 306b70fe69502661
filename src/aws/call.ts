/**
 * One AWS call, the way every call of this program is made: a client with the run's settings
 * (region, bounded attempts, per-attempt timeouts, proxy and CA agents), the attempt watch and the
 * response limit on it (attempts.ts, http.ts), the send, the client destroyed after it, and any
 * failure mapped to an exit 3 / 4 error naming the service, operation, region and identity
 * (errors.ts). The SDK package stays the caller's dynamic import: paths that call no AWS never
 * load it.
 */

import { type CallWatch, endpointOf } from "./attempts.js";
import { toEcrVarsError } from "./errors.js";
import { type HttpSettings, requestHandlerOptions, watchPlugins } from "./http.js";

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

/** Which call this is, for its error message. */
export interface AwsCallAbout {
  /** `ECR`, `ECR Public`, `STS`. */
  readonly service: string;
  readonly operation: string;
  readonly call: AwsCallOptions;
  /** The identity the call is made as, e.g. `connector "ci" (access-keys)`. */
  readonly identity: string;
}

/** What `callAws` hands its caller to make a client or an SDK credential provider with. */
export interface AwsCallKit {
  /** A client constructor's settings; add `credentials` (and any option of that client). */
  readonly config: Awaited<ReturnType<typeof clientConfig>>;
  /** `clientConfig` and `clientPlugins` of an SDK credential provider that calls STS itself. */
  readonly provider: Awaited<ReturnType<typeof providerClients>>;
  /** Installs the attempt watch and the response limit; the client is destroyed after the call. */
  use<C extends SdkClient>(client: C): C;
}

interface SdkClient {
  readonly middlewareStack: { use(plugin: never): void };
  destroy(): void;
}

/** Runs `run` with a kit for the call `about` describes; failures become EcrVarsErrors. */
export async function callAws<T>(
  about: AwsCallAbout,
  run: (kit: AwsCallKit) => Promise<T>,
): Promise<T> {
  const clients: SdkClient[] = [];
  try {
    const provider = await providerClients(about.call);
    return await run({
      config: provider.clientConfig,
      provider,
      use: (client) => {
        for (const plugin of provider.clientPlugins) client.middlewareStack.use(plugin as never);
        clients.push(client);
        return client;
      },
    });
  } catch (error) {
    const proxy = await proxyOfEndpoint(error, about.call);
    throw toEcrVarsError(error, {
      ...(proxy === undefined ? {} : { proxy }),
      service: about.service,
      attemptTimeoutMs: about.call.attemptTimeoutMs,
      operation: about.operation,
      region: about.call.region,
      identity: about.identity,
    });
  } finally {
    for (const client of clients) client.destroy();
  }
}

/** The proxy the failed call went through, if any (errors name it rather than the endpoint). */
async function proxyOfEndpoint(error: unknown, call: AwsCallOptions): Promise<string | undefined> {
  const endpoint = endpointOf(error);
  if (endpoint === undefined || !URL.canParse(endpoint)) return undefined;
  const http = await call.http?.().catch(() => undefined);
  return http?.proxyOf(new URL(endpoint));
}

/** Client settings shared by every call: region, bounded attempts and per-attempt timeouts. */
export async function clientConfig(call: AwsCallOptions) {
  return {
    region: call.region,
    maxAttempts: call.maxAttempts,
    requestHandler: await requestHandlerOptions(call),
  };
}

/** `clientConfig` and `clientPlugins` for an SDK credential provider that makes STS calls. */
export async function providerClients(call: AwsCallOptions) {
  return { clientConfig: await clientConfig(call), clientPlugins: watchPlugins(call) };
}
