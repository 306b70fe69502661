/**
 * Who owns a lock or a temporary file: a pid is only meaningful together with the host, the boot
 * and the process's start time, because pids are reused. Linux exposes the boot id and each
 * process's start time under /proc; elsewhere only "is a process with this pid running" is known.
 */

import { readFileSync } from "node:fs";
import { hostname } from "node:os";

export interface ProcessIdentity {
  readonly pid: number;
  readonly host: string;
  /** `/proc/sys/kernel/random/boot_id`; undefined where there is none. */
  readonly boot?: string;
  /** Field 22 of `/proc/<pid>/stat` (clock ticks since boot); undefined where there is none. */
  readonly start?: string;
}

let bootId: string | null | undefined;

function readBootId(): string | undefined {
  if (bootId === undefined) {
    try {
      bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || null;
    } catch {
      bootId = null;
    }
  }
  return bootId ?? undefined;
}

/** The start time of a running process, or undefined when it is not known (or not running). */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}

export function currentProcess(): ProcessIdentity {
  const boot = readBootId();
  const start = processStartTime(process.pid);
  return {
    pid: process.pid,
    host: hostname(),
    ...(boot === undefined ? {} : { boot }),
    ...(start === undefined ? {} : { start }),
  };
}

/**
 * Whether the process `owner` names may still be running: `false` only when that is certain
 * (same host and boot, and no process with that pid, or one that started at another time).
 * `undefined` when it cannot be told from here (another host).
 */
export function isRunning(owner: ProcessIdentity, self = currentProcess()): boolean | undefined {
  if (owner.host !== self.host) return undefined;
  if (owner.boot !== undefined && self.boot !== undefined && owner.boot !== self.boot) return false;
  if (!pidExists(owner.pid)) return false;
  if (owner.start === undefined) return true;
  const start = processStartTime(owner.pid);
  return start === undefined || start === owner.start;
}

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by another user). */
export function pidExists(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
