/**
 * `docker-credential-ecr-vars`: the docker-credential-helpers protocol. The action is the first
 * argument; the registry (for `get` and `erase`) or a JSON document (for `store`) comes on stdin;
 * answers are JSON on stdout. Errors are printed on stdout too, as the protocol wants and because
 * skopeo and podman drop a helper's stderr; "credentials not found in native keychain" is the
 * protocol's not-found message, which clients treat as "no credentials" rather than a failure.
 *
 * A `get` answered from the token cache loads nothing but this module and node built-ins; the AWS
 * SDK, the schema library and the YAML parser are reached only through `loadFetch` on a miss.
 */

import { cacheConfigFor } from "../cache/config.js";
import { servedFromCache } from "../cache/served.js";
import { cacheDir, isFresh, readCache } from "../cache/store.js";
import { INTERNAL_ERROR_ADVICE, isEcrVarsError } from "../core/errors.js";
import { decodeAuthorizationToken } from "../core/variables.js";
import { logSafe } from "../platform/logger.js";
import { Redactor } from "../platform/redactor.js";
import { normalizeHost, resolveHelperSettings } from "./config.js";
import type { fetchToken } from "./fetch.js";

export const NOT_FOUND = "credentials not found in native keychain";

type Env = Readonly<Record<string, string | undefined>>;

/** What a program answering one request on stdin touches of its process (helper, kubelet plugin). */
export interface ProgramIo<Fetch> {
  readonly argv: readonly string[];
  readonly env: Env;
  readonly stdin: () => Promise<string>;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly version: string;
  readonly clock?: () => Date;
  /** Loads the cache-miss path (the SDK and the rest of the run), only when it is needed. */
  readonly loadFetch: () => Promise<Fetch>;
}

export type HelperIo = ProgramIo<{ readonly fetchToken: typeof fetchToken }>;

export const USAGE = `usage: docker-credential-ecr-vars get|list|store|erase|version|--help
Amazon ECR credentials for Docker, podman, buildah and skopeo (credHelpers / credsStore). The
registry comes on stdin; answers (and errors, as the protocol wants) go to stdout.
  get       the credentials of the registry on stdin: {"ServerURL","Username","Secret"}
  list      the registries with a fresh cached token: {"host": "AWS"}
  store     accepted and ignored (ECR logins come from AWS, not from docker login)
  erase     forgets the cached token of the registry on stdin
  version   prints the version (also --version, -V); --help, -h, help: this text
Configuration (environment): ECR_VARS_SOURCE (default-chain, instance-role, connector or
profile), ECR_VARS_CONNECTOR, ECR_VARS_PROFILE, ECR_VARS_ROLE_ARN, ECR_VARS_CONNECTORS,
ECR_VARS_HELPER_CONFIG (JSON: per-registry settings, host patterns, aliases), ECR_VARS_CACHE=0
to bypass the token cache. See docs/docker.md.
`;

export async function runHelper(io: HelperIo): Promise<number> {
  const redactor = new Redactor();
  const fail = (message: string) => {
    io.stdout.write(`${logSafe(message, redactor)}\n`);
    return 1;
  };
  const [action] = io.argv;
  try {
    switch (action) {
      case "get":
        return await get(io, redactor, fail);
      case "list":
        return await list(io);
      case "store":
        // Docker calls store after `docker login`; ECR logins come from AWS, so nothing is kept.
        await io.stdin();
        return 0;
      case "erase": {
        const { eraseCached } = await import("./erase.js");
        await eraseCached(normalizeHost(await io.stdin()), io.env, io.clock?.() ?? new Date());
        return 0;
      }
      case "version":
      case "--version":
      case "-V":
        io.stdout.write(`docker-credential-ecr-vars ${io.version}\n`);
        return 0;
      case "help":
      case "--help":
      case "-h":
        io.stdout.write(USAGE);
        return 0;
      default:
        io.stderr.write(USAGE);
        return fail(
          `unknown action ${JSON.stringify(action ?? "")}; use get, list, store or erase`,
        );
    }
  } catch (error) {
    // The protocol has one failure status (1); an error nobody anticipated says it is a bug.
    if (isEcrVarsError(error)) return fail(error.message);
    return fail(
      `internal error: ${error instanceof Error ? error.message : String(error)}; ${INTERNAL_ERROR_ADVICE}`,
    );
  }
}

async function get(io: HelperIo, redactor: Redactor, fail: (m: string) => number) {
  const serverUrl = (await io.stdin()).trim();
  if (serverUrl === "") return fail("no registry on stdin; the client must send the server URL");
  const resolution = await resolveHelperSettings(serverUrl, io.env);
  if (resolution.kind === "not-ours") return fail(NOT_FOUND);
  if (resolution.kind === "invalid") return fail(resolution.message);
  const { settings } = resolution;
  const now = io.clock?.() ?? new Date();

  let token: string | undefined;
  if (settings.cache) {
    const config = cacheConfigFor(settings, io.env);
    token = (await servedFromCache(config, settings, io.env, now))?.authorizationToken;
  }
  if (token === undefined) {
    const { fetchToken } = await io.loadFetch();
    const result = await fetchToken(settings, io.env, redactor, io.clock);
    // ECR Public serves anyone: without credentials the client pulls anonymously, as it would
    // with no helper at all, instead of failing on the helper's error.
    if (!result.ok && result.noCredentials === true && settings.publicHost !== undefined)
      return fail(NOT_FOUND);
    if (!result.ok) return fail(result.message);
    token = result.authorizationToken;
  }
  const { username, password } = decodeAuthorizationToken(token);
  redactor.add(password);
  io.stdout.write(
    `${JSON.stringify({ ServerURL: serverUrl, Username: username, Secret: password })}\n`,
  );
  return 0;
}

/** The registries with a fresh cached token, as the protocol's `{ "server": "user" }` map. */
async function list(io: HelperIo): Promise<number> {
  const data = await readCache(cacheDir(io.env));
  const now = io.clock?.() ?? new Date();
  const servers: Record<string, string> = {};
  for (const token of Object.values(data.tokens)) {
    if (isFresh(token, now)) servers[normalizeHost(token.proxyEndpoint)] = "AWS";
  }
  io.stdout.write(`${JSON.stringify(servers)}\n`);
  return 0;
}
