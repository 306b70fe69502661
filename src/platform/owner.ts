/**
 * Whether a file the process is about to trust (a token cache, a code cache) is this user's own
 * and closed to others. On POSIX: owned by the process's uid, none of `mask`'s permission bits
 * set. Windows has no uids (`process.getuid` is undefined and stat reports uid 0) and derives
 * modes from the read-only attribute (0o666 or 0o444): there the ACLs of the user's profile,
 * where the cache directory lives, keep others out, and neither check applies (docs/reference.md, "Windows").
 */

interface Owned {
  readonly uid: number;
  readonly mode: number;
}

type Uid = () => number | undefined;
const processUid: Uid = () => process.getuid?.();

export function isOwnedByUser(stat: Owned, getuid = processUid): boolean {
  const uid = getuid();
  return uid === undefined || stat.uid === uid;
}

export function isPrivateToUser(stat: Owned, mask = 0o077, getuid = processUid): boolean {
  const uid = getuid();
  return uid === undefined || (stat.uid === uid && (stat.mode & mask) === 0);
}

/** POSIX permission bits mean what they say (not Windows). */
export function hasPosixModes(getuid = processUid): boolean {
  return getuid() !== undefined;
}
