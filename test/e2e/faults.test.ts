/**
 * The fault table: per service and call, each fault the emulator can inject and the outcome a
 * user must see — a retry that succeeds within the deadline, or a clean failure (exit 3 or 4, no
 * stack trace, no secret) that names the service, the code or reason, the region, the identity
 * and the endpoint. Each case runs against an emulator of its own, so cases run concurrently.
 */

import { afterAll, describe, expect, test } from "vitest";
import type { EmulatorOptions, Fault } from "../../src/emulator/index.js";
import { runCli } from "../support/cli.js";
import {
  type E2eContext,
  expectNoSecrets,
  expectNoStack,
  REGION,
  ROLE_ARN,
  startE2e,
} from "../support/e2e-harness.js";

/** `--timeout 8`: attempts of 2 s each, three per call. */
const TIMEOUT = ["--timeout", "8"];
const ENV_KEYS = "the default AWS credential chain (environment variables)";

interface Case {
  readonly name: string;
  /** Key given to `failNext`: the action, or `ecr-public:GetAuthorizationToken`. */
  readonly action: string;
  readonly fault: Fault;
  readonly args?: readonly string[];
  readonly emulator?: EmulatorOptions;
  /** Run as an EC2 agent: no keys, the instance role from the emulator's IMDS. */
  readonly instance?: boolean;
  readonly expect:
    | { readonly outcome: "retried"; readonly attempts: number }
    | {
        readonly outcome: "fails";
        readonly exit: number;
        /** The error line, from its start (the endpoint is filled in). */
        readonly message: (endpoint: string) => string;
        readonly hint: string | RegExp;
      };
}

const ALWAYS = Number.POSITIVE_INFINITY;
const ecrFails = (tail: string) => (endpoint: string) =>
  `ecr-vars: error: ECR GetAuthorizationToken in ${REGION} failed for ${ENV_KEYS}: ${tail.replace("ENDPOINT", endpoint)}`;
const callerFails = (tail: string) => (endpoint: string) =>
  `ecr-vars: error: STS GetCallerIdentity in ${REGION} failed for ${ENV_KEYS}: ${tail.replace("ENDPOINT", endpoint)}`;
const stsFails = (tail: string) => (endpoint: string) =>
  `ecr-vars: error: STS AssumeRole in ${REGION} failed for role ${ROLE_ARN} via ${ENV_KEYS}: ${tail.replace("ENDPOINT", endpoint)}`;
const publicFails = (tail: string) => (endpoint: string) =>
  `ecr-vars: error: ECR Public GetAuthorizationToken in us-east-1 failed for ${ENV_KEYS}: ${tail.replace("ENDPOINT", endpoint)}`;
const NETWORK_HINT =
  "  fix: check network access to the AWS endpoint (AWS_ENDPOINT_URL*, HTTPS_PROXY)";
const THROTTLE_HINT =
  "  fix: AWS throttled all 3 attempts; wait a minute and run again, or run fewer jobs against this account at once";
const FAULT_HINT = "  fix: AWS had a fault; try again later";
const MALFORMED_HINT =
  "  fix: the endpoint answered something that is not AWS's protocol; check AWS_ENDPOINT_URL* and any proxy";
const ROLE = ["--role-arn", ROLE_ARN];
const PUBLIC = ["--registry", "public.ecr.aws"];

/** The same transport and service faults for each SDK call the CLI makes. */
function callFaults(
  call: string,
  action: string,
  args: readonly string[],
  fails: (tail: string) => (endpoint: string) => string,
): Case[] {
  const sts = call.startsWith("STS");
  const at = (name: string, fault: Fault, expected: Case["expect"]): Case => ({
    name: `${call}: ${name}`,
    action,
    fault,
    args,
    expect: expected,
  });
  return [
    at(
      "throttled twice, then answers",
      { status: 400, code: "ThrottlingException", count: 2 },
      { outcome: "retried", attempts: 3 },
    ),
    at(
      "throttled on every attempt: fails saying so (not a permissions hint)",
      { status: 400, code: "ThrottlingException", count: ALWAYS },
      {
        outcome: "fails",
        exit: 4,
        message: fails(
          "ThrottlingException: ThrottlingException (request id REQ; endpoint ENDPOINT; 3 attempts)",
        ),
        hint: THROTTLE_HINT,
      },
    ),
    at(
      "503 once, then answers",
      { status: 503, code: "ServiceUnavailable" },
      { outcome: "retried", attempts: 2 },
    ),
    at(
      "500 on every attempt",
      { status: 500, code: "InternalFailure", count: ALWAYS },
      {
        outcome: "fails",
        exit: 4,
        message: fails(
          "InternalFailure: InternalFailure (request id REQ; endpoint ENDPOINT; 3 attempts)",
        ),
        hint: FAULT_HINT,
      },
    ),
    at(
      "first connection accepts and never answers, the retry is answered",
      { kind: "hang" },
      { outcome: "retried", attempts: 2 },
    ),
    at(
      "hangs forever: fails before the deadline naming the endpoint",
      { kind: "hang", count: ALWAYS },
      {
        outcome: "fails",
        exit: 4,
        message: fails("no answer within 2 s per attempt (endpoint ENDPOINT; 3 attempts)"),
        hint: NETWORK_HINT,
      },
    ),
    // Within the 2 s attempt on an idle machine; a loaded one may time it out and retry once.
    at("answered 1.5 s late", { kind: "delay", ms: 1500 }, { outcome: "retried", attempts: 2 }),
    at("connection reset once", { kind: "reset" }, { outcome: "retried", attempts: 2 }),
    at(
      "connection reset on every attempt",
      { kind: "reset", count: ALWAYS },
      {
        outcome: "fails",
        exit: 4,
        message: fails("connection reset (endpoint ENDPOINT; 3 attempts)"),
        hint: NETWORK_HINT,
      },
    ),
    at("answer cut off halfway once", { kind: "cut" }, { outcome: "retried", attempts: 2 }),
    at(
      "answer cut off halfway on every attempt",
      { kind: "cut", count: ALWAYS },
      {
        outcome: "fails",
        exit: 4,
        message: fails("connection reset (endpoint ENDPOINT; 3 attempts)"),
        hint: NETWORK_HINT,
      },
    ),
    at(
      "malformed answer (truncated JSON or XML)",
      { kind: "malformed" },
      {
        outcome: "fails",
        exit: 4,
        message: fails("the answer could not be read: DETAIL (endpoint ENDPOINT)"),
        hint: MALFORMED_HINT,
      },
    ),
    at(
      "expired session token",
      {
        status: 400,
        code: sts ? "ExpiredToken" : "ExpiredTokenException",
        message: "The security token included in the request is expired",
      },
      {
        outcome: "fails",
        exit: 4,
        message: fails(
          `${sts ? "ExpiredToken" : "ExpiredTokenException"}: The security token included in the request is expired (request id REQ; endpoint ENDPOINT)`,
        ),
        hint: "  fix: the session credentials have expired; obtain fresh ones",
      },
    ),
    at(
      "AccessDenied (not retried)",
      {
        status: sts ? 403 : 400,
        code: sts ? "AccessDenied" : "AccessDeniedException",
        message: "not authorized",
      },
      {
        outcome: "fails",
        exit: 4,
        message: fails(
          `${sts ? "AccessDenied" : "AccessDeniedException"}: not authorized (request id REQ; endpoint ENDPOINT)`,
        ),
        hint: /^ {2}fix: grant the identity /,
      },
    ),
  ];
}

const SKEW_MS = 30 * 60 * 1000;

const CASES: Case[] = [
  ...callFaults("ECR GetAuthorizationToken", "GetAuthorizationToken", [], ecrFails),
  ...callFaults("STS AssumeRole", "AssumeRole", ROLE, stsFails),
  ...callFaults("STS GetCallerIdentity (--cache)", "GetCallerIdentity", ["--cache"], callerFails),
  ...callFaults(
    "ECR Public GetAuthorizationToken",
    "ecr-public:GetAuthorizationToken",
    PUBLIC,
    publicFails,
  ),
  {
    name: "clock skew of 30 minutes: the SDK corrects its clock from the answer and retries",
    action: "none",
    fault: { kind: "delay", ms: 0 },
    emulator: { clock: () => new Date(Date.now() + SKEW_MS) },
    expect: { outcome: "retried", attempts: 2 },
  },
  {
    name: "IMDS: token request fails with 500 twice, then answers",
    action: "GetToken",
    fault: { status: 500, code: "InternalError", count: 2 },
    instance: true,
    expect: { outcome: "retried", attempts: 3 },
  },
  {
    name: "IMDS: slow (credentials answered 1.5 s late)",
    action: "GetRoleCredentials",
    fault: { kind: "delay", ms: 1500 },
    instance: true,
    expect: { outcome: "retried", attempts: 2 },
  },
  {
    name: "IMDS down (the token request never answers)",
    action: "GetToken",
    fault: { kind: "hang", count: ALWAYS },
    instance: true,
    expect: {
      outcome: "fails",
      exit: 3,
      message: (endpoint) =>
        `ecr-vars: error: no usable credentials from the EC2 instance role (IMDSv2): no IMDSv2 token from ${endpoint}`,
      hint: /^ {2}fix: run on an EC2 instance with an instance profile/,
    },
  },
  {
    name: "IMDS v1-only: refused, IMDSv1 is never used",
    action: "none",
    fault: { kind: "delay", ms: 0 },
    instance: true,
    emulator: { imdsVersion: "v1-only" },
    expect: {
      outcome: "fails",
      exit: 3,
      message: (endpoint) =>
        `ecr-vars: error: no usable credentials from the EC2 instance role (IMDSv2): no IMDSv2 token from ${endpoint}`,
      hint: /^ {2}fix: run on an EC2 instance with an instance profile/,
    },
  },
];

/** Requests the emulator saw for a `failNext` key. */
function attemptsOf(ctx: E2eContext, key: string): number {
  const [service, action] = key.startsWith("ecr-public:")
    ? (["ecr-public", key.slice("ecr-public:".length)] as const)
    : ([undefined, key] as const);
  return ctx.emu.requests.filter(
    (r) => r.action === action && (service === undefined || r.service === service),
  ).length;
}

const tally = { injected: 0, survived: 0, failedCleanly: 0 };
afterAll(() => {
  console.log(
    `fault table: ${tally.injected} faults injected; ${tally.survived} survived by retry, ${tally.failedCleanly} failed cleanly before the deadline`,
  );
});

describe.concurrent("fault table", () => {
  test.each(CASES)("$name", async (c) => {
    const ctx: E2eContext = await startE2e(c.emulator);
    try {
      ctx.emu.failNext(c.action, c.fault);
      tally.injected += 1;
      const cache = { ECR_VARS_CACHE_DIR: ctx.path("cache") };
      const env = c.instance
        ? ctx.bareEnv({ AWS_EC2_METADATA_DISABLED: undefined, ...cache })
        : ctx.env(cache);
      const args = [
        "--region",
        REGION,
        ...TIMEOUT,
        ...(c.instance ? ["--source", "instance-role"] : []),
        ...(c.args ?? []),
      ];
      const result = await runCli(args, env, ctx.dir);
      expectNoStack(result.stderr);
      expectNoSecrets(result.stderr, [ctx.emu.defaultUser.secretAccessKey]);
      expect(result.stderr).not.toMatch(/\[WARN\]|requestTimeout/);
      if (c.expect.outcome === "retried") {
        expect(result.code, result.stderr).toBe(0);
        // At most: a loaded machine may add a retry to a late answer, never more.
        if (c.action !== "none")
          expect(attemptsOf(ctx, c.action)).toBeLessThanOrEqual(c.expect.attempts);
        if (c.action !== "none" && !("kind" in c.fault && c.fault.kind === "delay"))
          expect(attemptsOf(ctx, c.action)).toBe(c.expect.attempts);
        tally.survived += 1;
      } else {
        expect(result.code, result.stderr).toBe(c.expect.exit);
        const [first = "", second = ""] = result.stderr
          .split("\n")
          .filter((line) => !line.startsWith("ecr-vars: still waiting"));
        expect(
          first
            .replace(/request id [^;)]+/, "request id REQ")
            .replace(/could not be read: .+ \(endpoint/, "could not be read: DETAIL (endpoint"),
        ).toBe(c.expect.message(ctx.emu.url));
        if (typeof c.expect.hint === "string") expect(second).toBe(c.expect.hint);
        else expect(second).toMatch(c.expect.hint);
        expect(first).not.toMatch(/^ecr-vars: error: no answer from AWS within/);
        tally.failedCleanly += 1;
      }
    } finally {
      await ctx.close();
    }
  });
});

describe("a slow call says so on stderr after a second", () => {
  test("one line per slow attempt: service, region, endpoint, attempt n/m; no SDK warning", async () => {
    const ctx = await startE2e();
    try {
      ctx.emu.failNext("GetAuthorizationToken", { kind: "hang" });
      const result = await runCli(["--region", REGION, ...TIMEOUT], ctx.env(), ctx.dir);
      expect(result.code, result.stderr).toBe(0);
      const waiting = result.stderr.split("\n").filter((l) => l.includes("still waiting"));
      expect(waiting[0]).toBe(
        `ecr-vars: still waiting 1 s for ECR GetAuthorizationToken in ${REGION} at ${ctx.emu.url} (attempt 1/3)`,
      );
      // The retry is answered at once; only a loaded machine could make it slow too.
      for (const line of waiting.slice(1)) expect(line).toMatch(/\(attempt 2\/3\)$/);
      expect(result.stderr).not.toMatch(/WARN|requestTimeout|smithy/);
    } finally {
      await ctx.close();
    }
  });

  test("nothing under -q: a hung first attempt leaves stderr empty", async () => {
    const ctx = await startE2e();
    try {
      ctx.emu.failNext("GetAuthorizationToken", { kind: "hang" });
      const result = await runCli(["--region", REGION, ...TIMEOUT, "-q"], ctx.env(), ctx.dir);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe("");
    } finally {
      await ctx.close();
    }
  });

  test("connectors test: a slow STS call says so on stderr, the answer stays on stdout", async () => {
    const ctx = await startE2e();
    try {
      const connectors = await ctx.write(
        "connectors.json",
        JSON.stringify({
          connectors: [
            {
              id: "0b7e8f52-5a0e-4c4e-9d1a-2f3c4d5e6f70",
              name: "ci-user",
              type: "access-keys",
              accessKeyId: "${env.AWS_ACCESS_KEY_ID}",
              secretAccessKey: "${env.AWS_SECRET_ACCESS_KEY}",
            },
          ],
        }),
      );
      ctx.emu.failNext("GetCallerIdentity", { kind: "hang" });
      const result = await runCli(
        [
          "connectors",
          "test",
          "ci-user",
          "--connectors",
          connectors,
          "--region",
          REGION,
          ...TIMEOUT,
        ],
        ctx.env(),
        ctx.dir,
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(
        'connector "ci-user" (access-keys) 0b7e8f52-5a0e-4c4e-9d1a-2f3c4d5e6f70: OK',
      );
      const lines = result.stderr.split("\n").filter((l) => l !== "");
      expect(lines[0]).toBe(
        `ecr-vars connectors: still waiting 1 s for STS GetCallerIdentity in ${REGION} at ${ctx.emu.url} (attempt 1/3)`,
      );
      for (const line of lines) expect(line).toMatch(/^ecr-vars connectors: still waiting /);
    } finally {
      await ctx.close();
    }
  });
});
