/**
 * Starts moto's standalone server (`moto_server`, from the machine image's Python) on a free
 * loopback port for one test file, and makes sure it goes away with the test process.
 *
 * moto_server runs under a small bash watchdog whose stdin is a pipe from this process: when the
 * pipe closes (stop(), or this process dying in any way, even SIGKILL) the watchdog kills moto.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import type { Readable, Writable } from "node:stream";

export interface Moto {
  /** `http://127.0.0.1:<port>`: what AWS_ENDPOINT_URL and `--endpoint-url` take. */
  readonly url: string;
  readonly port: number;
  /** moto's own log so far (request lines, tracebacks): for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

// $1 = port. Prints moto's pid, then waits for EOF on stdin and kills moto.
const WATCHDOG = `
moto_server -H 127.0.0.1 -p "$1" &
pid=$!
echo "moto-pid $pid"
stop() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; exit 0; }
trap stop TERM INT HUP
while read -r _; do :; done
stop
`;

/** Finds a command on PATH, as a shell would; undefined when it is not there. */
export function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** A loopback port that was free a moment ago (listen on port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no port from listen(0)"))));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type Watchdog = ChildProcessByStdio<Writable, Readable, Readable>;

/** Starts moto_server; rejects (never skips) when it is missing or does not answer in time. */
export async function startMoto(): Promise<Moto> {
  if (onPath("moto_server") === undefined) {
    throw new Error(
      "moto_server is not on PATH: it comes from the machine image's Python (moto 5.x); this peer test needs it",
    );
  }
  // Another process can take the port between freePort() and moto's bind: try a few ports.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(await freePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnce(port: number): Promise<Moto> {
  let output = "";
  let motoPid: number | undefined;
  const child: Watchdog = spawn("bash", ["-c", WATCHDOG, "moto-watchdog", String(port)], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, PYTHONUNBUFFERED: "1" },
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  let running = true;
  child.once("exit", () => {
    running = false;
  });
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const match = /moto-pid (\d+)/.exec(chunk);
    if (match?.[1] !== undefined) motoPid = Number(match[1]);
    output += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  child.stdin.on("error", () => {
    // the watchdog already exited; nothing to tell it
  });

  // Last resort for an orderly but abrupt exit of this process (the pipe covers the rest).
  const onExit = () => {
    if (motoPid !== undefined) {
      try {
        process.kill(motoPid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    child.kill("SIGKILL");
  };
  process.once("exit", onExit);

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.removeListener("exit", onExit);
    if (running) {
      child.stdin.end();
      const timer = setTimeout(() => onExit(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (!running) {
      await exited;
      await stop();
      throw new Error(`moto_server exited before answering on ${url}:\n${output}`);
    }
    try {
      const response = await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `moto_server did not answer on ${url} within ${READY_TIMEOUT_MS} ms:\n${output}`,
      );
    }
    await sleep(100);
  }

  return { url, port, log: () => output, stop };
}
