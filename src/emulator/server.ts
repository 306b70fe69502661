/** One loopback HTTP server that answers as ECR, STS and EC2 instance metadata. */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo, isIP } from "node:net";
import { EcrVarsError } from "../core/errors.js";
import { isRegion, partitionOf } from "../core/region.js";
import { type ContainerRole, handleContainer, isContainerPath } from "./container.js";
import type { Call, EmulatorContext, InstanceRole, Reply } from "./context.js";
import { handleEcr } from "./ecr.js";
import { ECR_PUBLIC_FAULT_KEY, ECR_PUBLIC_TARGET_PREFIX, handleEcrPublic } from "./ecr-public.js";
import { newAccessKeyId, newOpaqueToken, newRegistryPassword, newSecretAccessKey } from "./ids.js";
import { handleImds } from "./imds.js";
import { headerValue } from "./sigv4.js";
import { CredentialStore, userPrincipal } from "./state.js";
import { handleSts, stsParams } from "./sts.js";
import type {
  Emulator,
  EmulatorOptions,
  ErrorFault,
  Fault,
  RecordedRequest,
  TransportFault,
} from "./types.js";

const DEFAULT_ACCOUNT = "123456789012";
const DEFAULT_ROLE = "ecr-vars-agent";
const DEFAULT_USER = "ecr-vars-user";
const DEFAULT_TASK_ROLE = "ecr-vars-task";
const TOKEN_LIFETIME_MS = 12 * 3600 * 1000;
const MAX_BODY_BYTES = 1024 * 1024;
const ACCOUNT_ID = /^\d{12}$/;
const PARTITIONS: ReadonlySet<string> = new Set([
  "aws",
  "aws-cn",
  "aws-us-gov",
  "aws-iso",
  "aws-iso-b",
  "aws-iso-e",
  "aws-iso-f",
  "aws-eusc",
]);

function badOption(message: string, hint: string): EcrVarsError {
  return new EcrVarsError({ kind: "usage", code: "EMULATOR_BAD_OPTION", message, hint });
}

/** Only loopback addresses: the emulator accepts any signature from keys it invented. */
export function isLoopbackHost(host: string): boolean {
  if (host === "localhost") return true;
  const version = isIP(host);
  if (version === 4) return host.split(".")[0] === "127";
  if (version === 6)
    return /^(?:0{0,4}:){2,7}0{0,3}1$|^::1$/.test(host) || /^::ffff:127\./i.test(host);
  return false;
}

function checkOptions(options: EmulatorOptions): void {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopbackHost(host)) {
    throw badOption(
      `emulator host ${host} is not a loopback address`,
      "use 127.0.0.1, ::1 or localhost",
    );
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw badOption(
      `emulator port ${port} is not a port number`,
      "use 0 for any free port, or 1-65535",
    );
  }
  const accounts = [options.accountId, ...(options.users ?? []).map((u) => u.accountId)];
  if (options.instanceRole) accounts.push(options.instanceRole.accountId);
  if (options.containerRole) accounts.push(options.containerRole.accountId);
  for (const account of accounts) {
    if (account !== undefined && !ACCOUNT_ID.test(account)) {
      throw badOption(`account id ${account} is not 12 digits`, "AWS account ids are 12 digits");
    }
  }
  for (const user of options.users ?? []) {
    if (user.partition !== undefined && !PARTITIONS.has(user.partition)) {
      throw badOption(
        `partition ${user.partition} is not an AWS partition`,
        `use one of: ${[...PARTITIONS].join(", ")}`,
      );
    }
  }
  if (options.instanceRegion !== undefined && !isRegion(options.instanceRegion)) {
    throw badOption(
      `instance region ${options.instanceRegion} is not a region code`,
      "e.g. us-east-1",
    );
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function toCall(req: IncomingMessage, body: Buffer): Call {
  const rawUrl = req.url ?? "/";
  const parsed = new URL(rawUrl, "http://emulator.invalid");
  return {
    method: req.method ?? "GET",
    rawUrl,
    rawHeaders: req.rawHeaders,
    body,
    path: parsed.pathname,
    query: parsed.searchParams,
  };
}

function route(call: Call, ctx: EmulatorContext): Reply {
  if (call.path === "/latest" || call.path.startsWith("/latest/")) return handleImds(call, ctx);
  if (isContainerPath(call.path)) return handleContainer(call, ctx);
  const target = headerValue(call.rawHeaders, "x-amz-target");
  if (target?.startsWith(ECR_PUBLIC_TARGET_PREFIX)) return handleEcrPublic(call, ctx);
  if (target !== undefined) return handleEcr(call, ctx);
  return handleSts(call, stsParams(call), ctx);
}

/** Starts the emulator; resolves once it is listening. */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  checkOptions(options);
  const clock = options.clock ?? (() => new Date());
  const accountId = options.accountId ?? DEFAULT_ACCOUNT;
  const store = new CredentialStore();
  const users =
    options.users !== undefined && options.users.length > 0
      ? options.users
      : [{ accessKeyId: newAccessKeyId("AKIA"), secretAccessKey: newSecretAccessKey() }];
  for (const user of users) {
    const principal = userPrincipal(
      user.accountId ?? accountId,
      user.userName ?? DEFAULT_USER,
      user.partition ?? "aws",
    );
    store.add({ ...user, principal, origin: "iam-user" });
  }
  const first = users[0];
  const firstRecord = first === undefined ? undefined : store.get(first.accessKeyId);
  if (first === undefined || firstRecord === undefined) throw new Error("no IAM user");

  let password = options.password ?? newRegistryPassword();
  let expiresAt = options.expiresAt;
  const faults = new Map<string, { fault: ErrorFault; remaining: number }>();
  const transportFaults = new Map<string, { fault: TransportFault; remaining: number }>();
  const takeTransportFault = (record: { service: string; action: string }) => {
    const key = record.service === "ecr-public" ? ECR_PUBLIC_FAULT_KEY : record.action;
    const pending = transportFaults.get(key);
    if (pending === undefined) return undefined;
    pending.remaining -= 1;
    if (pending.remaining <= 0) transportFaults.delete(key);
    return pending.fault;
  };
  const hung = new Set<ServerResponse>();
  const instanceRole: InstanceRole | undefined =
    options.instanceRole === false
      ? undefined
      : {
          roleName: options.instanceRole?.roleName ?? DEFAULT_ROLE,
          accountId: options.instanceRole?.accountId ?? accountId,
        };
  const containerRole: ContainerRole | undefined =
    options.containerRole === false
      ? undefined
      : {
          roleName: options.containerRole?.roleName ?? DEFAULT_TASK_ROLE,
          accountId: options.containerRole?.accountId ?? accountId,
          authorizationToken: newOpaqueToken(),
        };
  const requests: RecordedRequest[] = [];

  const ctx: EmulatorContext = {
    store,
    now: clock,
    accountId,
    password: () => password,
    tokenExpiresAt: () =>
      expiresAt === undefined
        ? new Date(clock().getTime() + TOKEN_LIFETIME_MS)
        : typeof expiresAt === "function"
          ? expiresAt()
          : expiresAt,
    proxyEndpoint:
      options.proxyEndpoint ??
      ((id, region) => `https://${id}.dkr.ecr.${region}.${partitionOf(region).dnsSuffix}`),
    instanceRole,
    instanceRegion: options.instanceRegion ?? "us-east-1",
    imdsVersion: options.imdsVersion ?? "v2",
    containerRole,
    takeFault: (action) => {
      const pending = faults.get(action);
      if (pending === undefined) return undefined;
      pending.remaining -= 1;
      if (pending.remaining <= 0) faults.delete(action);
      return pending.fault;
    },
    imds: { tokens: new Map(), credentials: undefined },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Clients correct their clock skew from this header, so it follows the emulated clock.
    res.setHeader("date", clock().toUTCString());
    const body = await readBody(req);
    if (body === undefined) {
      res
        .writeHead(413, { "content-type": "text/plain", connection: "close" })
        .end("Request Entity Too Large");
      return;
    }
    const reply = route(toCall(req, body), ctx);
    const transport = takeTransportFault(reply.record);
    if (transport?.kind === "hang") {
      // Recorded with status 0: the client never sees an answer.
      requests.push({ ...reply.record, status: 0, errorCode: "hang" });
      hung.add(res);
      return;
    }
    if (transport?.kind === "reset") {
      requests.push({ ...reply.record, status: 0, errorCode: "reset" });
      res.socket?.resetAndDestroy();
      return;
    }
    if (transport?.kind === "delay") {
      await new Promise((resolve) => setTimeout(resolve, transport.ms));
      if (res.destroyed) return;
    }
    if (transport?.kind === "malformed") {
      requests.push({ ...reply.record, status: 200, errorCode: "malformed" });
      const body = reply.headers["content-type"]?.includes("json")
        ? '{"authorizationData": [{"authorizationToken": '
        : "<Response><Result><Credentials>";
      res.writeHead(200, {
        "content-type": reply.headers["content-type"] ?? "text/plain",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    if (transport?.kind === "cut") {
      requests.push({ ...reply.record, status: reply.status, errorCode: "cut" });
      const bytes = Buffer.from(reply.body);
      res.writeHead(reply.status, { ...reply.headers, "content-length": bytes.length });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => {
        res.socket?.resetAndDestroy();
      });
      return;
    }
    requests.push({ ...reply.record, status: reply.status });
    res.writeHead(reply.status, {
      ...reply.headers,
      "content-length": Buffer.byteLength(reply.body),
    });
    res.end(reply.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("Internal emulator error");
    });
  });
  const host =
    options.host === undefined || options.host === "localhost" ? "127.0.0.1" : options.host;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${shownHost}:${address.port}`,
    defaultUser: {
      accessKeyId: first.accessKeyId,
      secretAccessKey: first.secretAccessKey,
      arn: firstRecord.principal.arn,
    },
    ...(containerRole === undefined
      ? {}
      : {
          container: {
            fullUri: `http://${shownHost}:${address.port}/v1/credentials`,
            authorizationToken: containerRole.authorizationToken,
          },
        }),
    requests,
    setPassword: (p) => {
      password = p;
    },
    setExpiresAt: (d) => {
      expiresAt = d;
    },
    countCalls: (filter = {}) =>
      requests.filter(
        (r) =>
          (filter.service === undefined || r.service === filter.service) &&
          (filter.action === undefined || r.action === filter.action) &&
          (filter.region === undefined || r.region === filter.region),
      ).length,
    failNext: (action, fault: Fault) => {
      if ("kind" in fault) transportFaults.set(action, { fault, remaining: fault.count ?? 1 });
      else faults.set(action, { fault, remaining: fault.count ?? 1 });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const res of hung) res.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
