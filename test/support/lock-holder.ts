/**
 * A writer of an auth file that stops at a chosen point, so tests can signal or kill it there
 * (bundled by the tests with esbuild and run as its own process):
 *   hold FILE         takes FILE's lock and holds it
 *   stall FILE SECRET merges SECRET into FILE through the real write path and stalls in fsync,
 *                     i.e. holding the lock with the temporary file written (a slow disk)
 * It prints "ready" when it is there.
 */

import { open } from "node:fs/promises";
import { updateConfigFile } from "../../src/platform/docker-config-file.js";
import { withFileLock } from "../../src/platform/lock.js";

const [mode, file, secret] = process.argv.slice(2);
// A pending promise alone does not keep Node running: a timer does.
const forever = () => new Promise<never>(() => setInterval(() => undefined, 60_000));

async function main(): Promise<void> {
  if (file === undefined) throw new Error("usage: lock-holder hold|stall FILE [SECRET]");
  if (mode === "hold") {
    await withFileLock(file, async () => {
      process.stdout.write("ready\n");
      await forever();
    });
  } else if (mode === "stall") {
    const probe = await open(process.execPath, "r");
    const prototype = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    const stalled: unknown[] = [];
    prototype.sync = function (this: unknown) {
      // Kept referenced: the temp file stays open, as in a writer stuck in fsync.
      stalled.push(this);
      process.stdout.write("ready\n");
      return forever();
    };
    await updateConfigFile(file, () => ({ text: `{"auths": {"x": {"auth": "${secret}"}}}\n` }));
  }
}

void main();
