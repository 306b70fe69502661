/**
 * A private containerd (Debian's `containerd` package) on a socket in a temp dir, for `ctr`: no
 * CRI plugin, its own root and state, stopped by `stop`. Needs root, as containerd does.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { access, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface Containerd {
  readonly socket: string;
  stop(): Promise<void>;
}

export async function startContainerd(dir: string): Promise<Containerd> {
  const socket = join(dir, "containerd.sock");
  const config = join(dir, "containerd.toml");
  await writeFile(
    config,
    [
      "version = 2",
      `root = "${join(dir, "root")}"`,
      `state = "${join(dir, "state")}"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      "[grpc]",
      `  address = "${socket}"`,
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn("containerd", ["--config", config], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null) return done();
      child.once("exit", () => done());
      child.kill("SIGTERM");
    });
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`containerd ended: ${log}`);
    if (
      await access(socket).then(
        () => true,
        () => false,
      )
    )
      return { socket, stop };
    await new Promise((done) => setTimeout(done, 100));
  }
  await stop();
  throw new Error(`containerd did not open ${socket}: ${log}`);
}
