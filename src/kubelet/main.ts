/**
 * `ecr-vars-kubelet`: the kubelet's image credential provider (docs/kubernetes.md). One
 * `CredentialProviderRequest` on stdin, one `CredentialProviderResponse` on stdout; errors are one
 * line on stderr, which the kubelet appends to its own error (the pod's events), and a non-zero
 * exit. Which credentials and which registry: the credential helper's settings for the host the
 * image names (helper/config.ts), or a service account's role (service-account.ts).
 *
 * A request answered from the token cache loads nothing but this module and node built-ins; the
 * AWS SDK and the rest of a run are reached only through `loadFetch` on a miss.
 */

import { cacheConfigFor } from "../cache/config.js";
import { servedFromCache } from "../cache/served.js";
import { INTERNAL_ERROR_ADVICE, isEcrVarsError } from "../core/errors.js";
import { decodeAuthorizationToken } from "../core/variables.js";
import { resolveHelperSettings } from "../helper/config.js";
import type { ProgramIo } from "../helper/main.js";
import { Redactor } from "../platform/redactor.js";
import type { fetchForKubelet } from "./fetch.js";
import { buildResponse, cacheSeconds, parseRequest } from "./protocol.js";
import { serviceAccountCacheConfig, serviceAccountMode } from "./service-account.js";

export const PROGRAM = "ecr-vars-kubelet";

/** Exit statuses (docs/kubernetes.md, "Exit statuses"). */
export const KubeletExit = {
  ok: 0,
  /** No credentials for this image: AWS refused, no identity, or not a registry we serve. */
  failed: 1,
  /** The request, the arguments or the configuration are wrong: fix them, retrying will not. */
  invalid: 2,
} as const;

export type KubeletIo = ProgramIo<{ readonly fetchForKubelet: typeof fetchForKubelet }>;

export const USAGE = `usage: ${PROGRAM} [--help | --version]
The kubelet's image credential provider for Amazon ECR: the kubelet runs it with one
CredentialProviderRequest (JSON) on stdin and reads one CredentialProviderResponse from stdout.
Credentials: the standard AWS chain and the credential helper's settings (ECR_VARS_SOURCE,
ECR_VARS_CONNECTOR, ECR_VARS_ROLE_ARN, ECR_VARS_HELPER_CONFIG); with a service-account token, the
role of the annotation eks.amazonaws.com/ecr-role-arn or of AWS_ECR_ROLE_ARN. ECR_VARS_CACHE=0
bypasses the token cache. Exit 0: answered; 1: no credentials; 2: bad request or configuration.
See docs/kubernetes.md.
`;

export async function runKubelet(io: KubeletIo): Promise<number> {
  const redactor = new Redactor();
  const fail = (status: number, message: string) => {
    // One line: the kubelet puts it into an event, where a line break reads as noise.
    const line = redactor.redact(message).replace(/\s*\n\s*/g, "; ");
    io.stderr.write(`${PROGRAM}: ${line}\n`);
    return status;
  };
  const [argument, ...rest] = io.argv;
  if (argument !== undefined) {
    if (rest.length === 0 && ["--version", "-V", "version"].includes(argument)) {
      io.stdout.write(`${PROGRAM} ${io.version}\n`);
      return KubeletExit.ok;
    }
    if (rest.length === 0 && ["--help", "-h", "help"].includes(argument)) {
      io.stdout.write(USAGE);
      return KubeletExit.ok;
    }
    return fail(
      KubeletExit.invalid,
      `unknown argument ${JSON.stringify(argument)} (fix: remove args from this provider in the CredentialProviderConfig; it takes none)`,
    );
  }
  try {
    return await answer(io, redactor, fail);
  } catch (error) {
    if (isEcrVarsError(error)) {
      const wrong = error.kind === "usage" || error.kind === "config";
      return fail(wrong ? KubeletExit.invalid : KubeletExit.failed, error.message);
    }
    return fail(
      KubeletExit.failed,
      `internal error: ${error instanceof Error ? error.message : String(error)}; ${INTERNAL_ERROR_ADVICE}`,
    );
  }
}

async function answer(
  io: KubeletIo,
  redactor: Redactor,
  fail: (status: number, message: string) => number,
): Promise<number> {
  const parsed = parseRequest(await io.stdin());
  if (!parsed.ok) return fail(KubeletExit.invalid, parsed.message);
  const { request } = parsed;
  // Mask first: the service-account token is a secret before anything can fail or log.
  redactor.add(request.serviceAccountToken);

  const resolution = await resolveHelperSettings(request.host, io.env);
  if (resolution.kind === "not-ours") {
    return fail(
      KubeletExit.failed,
      `${request.host} is not an Amazon ECR registry host and the helper config has no entry for it (${resolution.reason}); no AWS call was made (fix: narrow matchImages in the CredentialProviderConfig to ECR hosts, or give the host a registryId and region in the helper config, docs/docker.md)`,
    );
  }
  if (resolution.kind === "invalid") return fail(KubeletExit.invalid, resolution.message);
  const { settings } = resolution;
  const mode = serviceAccountMode(request, io.env);
  if (mode.kind === "invalid") return fail(KubeletExit.invalid, mode.message);
  const role = mode.kind === "role" ? mode.role : undefined;
  const now = io.clock?.() ?? new Date();

  let token: { authorizationToken: string; expiresAt: Date } | undefined;
  if (settings.cache) {
    const config =
      role === undefined
        ? cacheConfigFor(settings, io.env)
        : serviceAccountCacheConfig(role, io.env);
    const hit = await servedFromCache(config, settings, io.env, now);
    if (hit !== undefined)
      token = { authorizationToken: hit.authorizationToken, expiresAt: new Date(hit.expiresAt) };
  }
  if (token === undefined) {
    const { fetchForKubelet } = await io.loadFetch();
    const result = await fetchForKubelet(settings, io.env, redactor, io.clock, role);
    if (!result.ok) {
      // ECR Public serves anyone: without AWS credentials the kubelet pulls anonymously.
      if (result.noCredentials === true && settings.publicHost !== undefined) {
        io.stdout.write(`${JSON.stringify(buildResponse(request, undefined, 0))}\n`);
        return KubeletExit.ok;
      }
      return fail(KubeletExit.failed, result.message);
    }
    token = result;
  }
  const login = decodeAuthorizationToken(token.authorizationToken);
  redactor.add(login.password);
  const answeredAt = io.clock?.() ?? new Date();
  const response = buildResponse(request, login, cacheSeconds(token.expiresAt, answeredAt));
  io.stdout.write(`${JSON.stringify(response)}\n`);
  return KubeletExit.ok;
}
