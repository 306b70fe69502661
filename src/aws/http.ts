/**
 * How AWS clients reach their endpoints: per-attempt timeouts, a forward proxy from HTTPS_PROXY /
 * HTTP_PROXY (honouring NO_PROXY), and extra trusted CAs from AWS_CA_BUNDLE, as the AWS CLI and
 * the Go SDK do. The JavaScript SDK reads none of these variables itself. The instance metadata
 * service is never proxied: the SDK's IMDS client does not use these agents.
 */

import type { ClientRequest, Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import type { AgentConnectOpts } from "agent-base";
import { EcrVarsError } from "../core/errors.js";
import type { Env } from "../core/expressions.js";
import { URL_SCHEME } from "../core/names.js";
import { describeSize, LIMITS, readBounded, readFailure } from "../platform/bounded-read.js";
import { cjsExports } from "../platform/cjs.js";
import type { AwsCallOptions } from "./call.js";

/** Agents for the SDK's request handler; absent when the environment asks for nothing special. */
export interface HttpSettings {
  readonly httpAgent: HttpAgent;
  readonly httpsAgent: HttpsAgent;
  /** The proxy a connection to `target` goes through, for messages: no credentials in it. */
  readonly proxyOf: (target: URL) => string | undefined;
}

export interface ProxyEnv {
  readonly httpsProxy?: URL;
  readonly httpProxy?: URL;
  /** NO_PROXY entries, lower case: `*`, a host or domain (a leading dot is optional), `host:port`. */
  readonly noProxy: readonly string[];
  readonly caBundle?: string;
}

/** Reads the proxy variables (lower case first, as curl does) and AWS_CA_BUNDLE. */
export function readProxyEnv(env: Env): ProxyEnv {
  const pick = (name: string) => env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
  const httpsProxy = proxyUrl("HTTPS_PROXY", pick("https_proxy"));
  const httpProxy = proxyUrl("HTTP_PROXY", pick("http_proxy"));
  const noProxy = (pick("no_proxy") ?? "")
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== "");
  const caBundle = env.AWS_CA_BUNDLE || undefined;
  return {
    ...(httpsProxy === undefined ? {} : { httpsProxy }),
    ...(httpProxy === undefined ? {} : { httpProxy }),
    noProxy,
    ...(caBundle === undefined ? {} : { caBundle }),
  };
}

/** The proxy to use for `target`, or undefined to connect directly. */
export function proxyFor(target: URL, settings: ProxyEnv): URL | undefined {
  const proxy = target.protocol === "https:" ? settings.httpsProxy : settings.httpProxy;
  if (proxy === undefined) return undefined;
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const port = target.port || (target.protocol === "https:" ? "443" : "80");
  for (const entry of settings.noProxy) {
    if (entry === "*") return undefined;
    const [entryHost = "", entryPort] = splitHostPort(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    const domain = entryHost.replace(/^\*?\./, "");
    if (host === domain || host.endsWith(`.${domain}`)) return undefined;
  }
  return proxy;
}

/**
 * Agents that route each connection by the rules above, or undefined when no proxy and no CA
 * bundle is configured (the SDK's defaults then apply). `onSecret` learns a proxy password first.
 */
export async function httpSettings(
  env: Env,
  onSecret: (secret: string) => void,
): Promise<HttpSettings | undefined> {
  const settings = readProxyEnv(env);
  if (!settings.httpsProxy && !settings.httpProxy && !settings.caBundle) return undefined;
  for (const proxy of [settings.httpsProxy, settings.httpProxy]) {
    if (proxy?.password) onSecret(decodeURIComponent(proxy.password));
  }
  const [agentBase, httpsProxyAgent, httpProxyAgent, http, https, tls] = await Promise.all([
    import("agent-base").then(cjsExports),
    import("https-proxy-agent").then(cjsExports),
    import("http-proxy-agent").then(cjsExports),
    import("node:http"),
    import("node:https"),
    import("node:tls"),
  ]);
  const { Agent: RoutingBase } = agentBase;
  const { HttpsProxyAgent } = httpsProxyAgent;
  const { HttpProxyAgent } = httpProxyAgent;
  const ca =
    settings.caBundle === undefined
      ? undefined
      : [...tls.rootCertificates, await readCaBundle(settings.caBundle)];
  const tlsOptions = ca === undefined ? {} : { ca };
  const direct = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true, ...tlsOptions }),
  };
  const viaProxy = new Map<string, HttpAgent>();

  class RoutingAgent extends RoutingBase {
    override connect(_request: ClientRequest, options: AgentConnectOpts) {
      const scheme = options.secureEndpoint ? "https" : "http";
      const target = new URL(
        `${scheme}://${options.host ?? "localhost"}:${options.port ?? (options.secureEndpoint ? 443 : 80)}`,
      );
      const proxy = proxyFor(target, settings);
      // The agent this returns gets these options for its own connection; a proxy agent applies
      // only them (not its constructor's) to the TLS session with the target, so the CAs go here.
      if (options.secureEndpoint) Object.assign(options, tlsOptions);
      if (proxy === undefined) return options.secureEndpoint ? direct.https : direct.http;
      const key = `${scheme} ${proxy.href}`;
      let agent = viaProxy.get(key);
      if (agent === undefined) {
        agent = options.secureEndpoint
          ? new HttpsProxyAgent(proxy, tlsOptions)
          : new HttpProxyAgent(proxy);
        viaProxy.set(key, agent);
      }
      return agent;
    }
  }
  const agent = new RoutingAgent({ keepAlive: true });
  return {
    httpAgent: agent,
    httpsAgent: agent as unknown as HttpsAgent,
    proxyOf: (target) => {
      const proxy = proxyFor(target, settings);
      if (proxy === undefined) return undefined;
      const variable = target.protocol === "https:" ? "HTTPS_PROXY" : "HTTP_PROXY";
      return `${proxy.protocol}//${proxy.host} (${variable})`;
    },
  };
}

/**
 * Attempts and per-attempt timeout for an overall deadline: three attempts of at most a quarter
 * of the deadline (and at most 10 s) each, so a hung connection is abandoned and retried well
 * before the deadline, and a call that hangs on every attempt fails with its own message (naming
 * the service and endpoint) before the deadline does.
 */
export function attemptLimits(deadlineMs: number): {
  maxAttempts: number;
  attemptTimeoutMs: number;
} {
  return {
    maxAttempts: 3,
    attemptTimeoutMs: Math.min(10_000, Math.max(1_000, Math.floor(deadlineMs / 4))),
  };
}

/** `httpSettings` made on first call and shared by every later one. */
export function lazyHttpSettings(
  env: Env,
  onSecret: (secret: string) => void,
): () => Promise<HttpSettings | undefined> {
  let settings: Promise<HttpSettings | undefined> | undefined;
  return () => {
    settings ??= httpSettings(env, onSecret);
    return settings;
  };
}

/**
 * The SDK request-handler options for one call: timeouts, plus the agents when there are any.
 * `throwOnRequestTimeout` makes an attempt that outlives its timeout fail with a TimeoutError,
 * which the SDK's retry strategy retries; without it the handler only prints a warning on stderr
 * and keeps waiting on the hung connection.
 */
export async function requestHandlerOptions(call: AwsCallOptions) {
  const http = await call.http?.();
  return {
    connectionTimeout: call.attemptTimeoutMs,
    requestTimeout: call.attemptTimeoutMs,
    throwOnRequestTimeout: true,
    ...(http === undefined ? {} : { httpAgent: http.httpAgent, httpsAgent: http.httpsAgent }),
  };
}

/**
 * The SDK plugins of every client this program makes: the attempt watch (src/aws/attempts.ts)
 * and the limit on an answer's size.
 */
export function watchPlugins(call: AwsCallOptions) {
  return call.watch === undefined
    ? [responseLimit]
    : [call.watch.plugin(call.region), responseLimit];
}

/**
 * The SDK reads an answer's whole body into memory before it parses it: a hostile or broken
 * endpoint could send gigabytes. This cuts the body off past LIMITS.awsResponse (a real answer
 * is a few kilobytes), which fails the call (exit 4). At the deserialize step after the SDK's
 * deserializer (priority low), so it sees the raw response of each attempt.
 */
const responseLimit = {
  applyToStack(stack: {
    add(middleware: unknown, options: { step: "deserialize"; name: string; priority: "low" }): void;
  }) {
    stack.add(
      (next: (args: unknown) => Promise<{ response?: { body?: unknown } }>) =>
        async (args: unknown) => {
          const result = await next(args);
          const response = result.response;
          const body = response?.body as NodeJS.ReadableStream | undefined;
          if (response !== undefined && typeof body?.pipe === "function") {
            const { Transform } = await import("node:stream");
            let length = 0;
            const limited = new Transform({
              transform(chunk: Buffer, _encoding, done) {
                length += chunk.length;
                done(length > LIMITS.awsResponse ? oversized() : null, chunk);
              },
            });
            // A connection that fails mid-answer fails the limited body too, at once (the SDK
            // reads that one), and a refused answer stops the connection's.
            const source = body as NodeJS.ReadableStream & { destroy(error?: Error): void };
            source.once("error", (error: Error) => limited.destroy(error));
            limited.once("error", () => source.destroy());
            response.body = source.pipe(limited);
          }
          return result;
        },
      { step: "deserialize", name: "ecrVarsResponseLimit", priority: "low" },
    );
  },
};

function oversized(): EcrVarsError {
  // With $metadata, the SDK's deserializer passes the error on as it is (no hint appended).
  const error = new EcrVarsError({
    kind: "aws",
    code: "AWS_MALFORMED_RESPONSE",
    message: `an AWS answer was larger than ${describeSize(LIMITS.awsResponse)} (a real one has a few kilobytes), so it was refused and nothing was written`,
    hint: "check that the endpoint (AWS_ENDPOINT_URL, a proxy) is AWS or a faithful emulator of it",
  });
  return Object.assign(error, { $metadata: {} });
}

function proxyUrl(name: string, value: string | undefined): URL | undefined {
  if (value === undefined) return undefined;
  try {
    // curl accepts a bare host:port; so do most tools that read these variables.
    const url = new URL(URL_SCHEME.test(value) ? value : `http://${value}`);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("scheme");
    return url;
  } catch (error) {
    throw new EcrVarsError({
      kind: "config",
      code: "INVALID_CONFIG",
      message: `${name} is not a proxy URL`,
      hint: `set ${name} to http://HOST:PORT (or https://), or unset it`,
      cause: error,
    });
  }
}

function splitHostPort(entry: string): [string, string | undefined] {
  // An IPv6 address has colons of its own: it carries a port only in brackets, `[::1]:8080`.
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return [bracketed[1] ?? "", bracketed[2]];
  if (entry.indexOf(":") !== entry.lastIndexOf(":")) return [entry, undefined];
  const match = /^(.*):(\d+)$/.exec(entry);
  return match ? [match[1] ?? "", match[2]] : [entry, undefined];
}

async function readCaBundle(path: string): Promise<string> {
  try {
    return await readBounded(path, LIMITS.caBundle, { regularOnly: true });
  } catch (error) {
    throw new EcrVarsError({
      kind: "config",
      code: "INVALID_CONFIG",
      message: `AWS_CA_BUNDLE names ${path}, which cannot be read (${readFailure(error)})`,
      hint: "point AWS_CA_BUNDLE at a readable PEM file of CA certificates, or unset it",
      cause: error,
    });
  }
}
