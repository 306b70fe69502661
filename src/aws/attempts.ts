/**
 * Watches every attempt of every AWS call a run makes: says on the logger when one has waited
 * longer than a second (service, region, endpoint, attempt n/m), remembers the endpoint on the
 * error an attempt ends with (so the final message can name it), and knows which calls are still
 * in flight when the overall deadline strikes. Installed as an SDK plugin on each client, at the
 * deserialize step, which runs once per attempt inside the retry loop.
 */

export interface CallAttempt {
  /** `ECR`, `ECR Public`, `STS`, ... */
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  /** `scheme://host[:port]` the attempt went to. */
  readonly endpoint: string;
  readonly attempt: number;
  readonly maxAttempts: number;
}

/** The SDK's plugin shape (`Pluggable`), typed just as far as this module uses it. */
export interface AttemptPlugin {
  applyToStack(stack: {
    add(
      middleware: unknown,
      options: { step: "deserialize"; name: string; priority: "high" },
    ): void;
  }): void;
}

const SERVICE_NAMES: Readonly<Record<string, string>> = {
  ECRClient: "ECR",
  ECRPUBLICClient: "ECR Public",
  STSClient: "STS",
  SSOClient: "SSO",
  SSOOIDCClient: "SSO OIDC",
};

export interface CallWatchInit {
  /** One line per attempt that is still unanswered after `slowAfterMs` (the logger's info). */
  readonly onSlow?: (line: string) => void;
  /** Default 1000. */
  readonly slowAfterMs?: number;
}

export class CallWatch {
  readonly #inFlight = new Set<CallAttempt>();
  readonly #onSlow: ((line: string) => void) | undefined;
  readonly #slowAfterMs: number;

  constructor(init: CallWatchInit = {}) {
    this.#onSlow = init.onSlow;
    this.#slowAfterMs = init.slowAfterMs ?? 1000;
  }

  /** The plugin for a client whose calls go to `region`. */
  plugin(region: string): AttemptPlugin {
    return {
      applyToStack: (stack) =>
        stack.add(
          (next: (args: unknown) => Promise<unknown>, context: Record<string, unknown>) =>
            (args: { request?: unknown }) =>
              this.#attempt(next, args, attemptOf(args.request, context, region)),
          { step: "deserialize", name: "ecrVarsAttemptWatch", priority: "high" },
        ),
    };
  }

  /** The calls still waiting for an answer, e.g. for the overall deadline's message. */
  pending(): readonly CallAttempt[] {
    return [...this.#inFlight];
  }

  async #attempt(
    next: (args: unknown) => Promise<unknown>,
    args: unknown,
    attempt: CallAttempt,
  ): Promise<unknown> {
    this.#inFlight.add(attempt);
    const started = Date.now();
    const timer =
      this.#onSlow === undefined
        ? undefined
        : setTimeout(() => {
            const waited = Math.round((Date.now() - started) / 1000);
            this.#onSlow?.(`still waiting ${waited} s for ${describeAttempt(attempt)}`);
          }, this.#slowAfterMs);
    timer?.unref();
    try {
      return await next(args);
    } catch (error) {
      if (typeof error === "object" && error !== null && !Object.isFrozen(error)) {
        Object.defineProperty(error, ENDPOINT, { value: attempt.endpoint, configurable: true });
      }
      throw error;
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(attempt);
    }
  }
}

/** `ECR GetAuthorizationToken in eu-west-1 at https://api.ecr.eu-west-1.amazonaws.com (attempt 1/3)` */
export function describeAttempt(attempt: CallAttempt): string {
  return `${attempt.service} ${attempt.operation} in ${attempt.region} at ${attempt.endpoint} (attempt ${attempt.attempt}/${attempt.maxAttempts})`;
}

const ENDPOINT = "$ecrVarsEndpoint";

/** The endpoint the last attempt of a failed call went to, when a CallWatch saw it. */
export function endpointOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const value = (error as Record<string, unknown>)[ENDPOINT];
  return typeof value === "string" ? value : undefined;
}

function attemptOf(
  request: unknown,
  context: Record<string, unknown>,
  region: string,
): CallAttempt {
  const r = (request ?? {}) as {
    protocol?: string;
    hostname?: string;
    port?: number;
    headers?: Record<string, string>;
  };
  const hostname = r.hostname ?? "?";
  const host = hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
  const counts = /attempt=(\d+); max=(\d+)/.exec(r.headers?.["amz-sdk-request"] ?? "");
  const clientName = String(context.clientName ?? "");
  return {
    service: SERVICE_NAMES[clientName] ?? clientName.replace(/Client$/, ""),
    operation: String(context.commandName ?? "call").replace(/Command$/, ""),
    region,
    endpoint: `${r.protocol ?? "https:"}//${host}${r.port === undefined ? "" : `:${r.port}`}`,
    attempt: Number(counts?.[1] ?? 1),
    maxAttempts: Number(counts?.[2] ?? 1),
  };
}
