// Why a write to the store failed, as the small fixed vocabulary of the
// llm.cost.store.write_failures counter's `reason` label and of /healthz.

export type WriteFailureReason = 'disk_full' | 'io_error' | 'permission' | 'busy' | 'corrupt' | 'other';

/** SQLite primary result codes (the low byte of an extended code). */
const BY_CODE: Record<number, WriteFailureReason> = {
  3: 'permission', // SQLITE_PERM
  5: 'busy', // SQLITE_BUSY
  6: 'busy', // SQLITE_LOCKED
  8: 'permission', // SQLITE_READONLY
  10: 'io_error', // SQLITE_IOERR
  11: 'corrupt', // SQLITE_CORRUPT
  13: 'disk_full', // SQLITE_FULL
  14: 'permission', // SQLITE_CANTOPEN
  23: 'permission', // SQLITE_AUTH
  26: 'corrupt', // SQLITE_NOTADB
};

const BY_NAME: Record<string, WriteFailureReason> = {
  SQLITE_PERM: 'permission',
  SQLITE_BUSY: 'busy',
  SQLITE_LOCKED: 'busy',
  SQLITE_READONLY: 'permission',
  SQLITE_IOERR: 'io_error',
  SQLITE_CORRUPT: 'corrupt',
  SQLITE_FULL: 'disk_full',
  SQLITE_CANTOPEN: 'permission',
  SQLITE_AUTH: 'permission',
  SQLITE_NOTADB: 'corrupt',
};

/** The reason of a failed write: better-sqlite3 names the code (`SQLITE_IOERR_WRITE`), node:sqlite numbers it. */
export function writeFailureReason(err: unknown): WriteFailureReason {
  const e = err as { code?: unknown; errcode?: unknown };
  if (typeof e.code === 'string') {
    const primary = /^SQLITE_[A-Z]+/.exec(e.code)?.[0];
    if (primary !== undefined && BY_NAME[primary] !== undefined) return BY_NAME[primary];
  }
  if (typeof e.errcode === 'number') return BY_CODE[e.errcode & 0xff] ?? 'other';
  return 'other';
}

/** The error's code and message, for a log line or /healthz: `SQLITE_FULL: database or disk is full`. */
export function describeWriteError(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  return typeof e.code === 'string' && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}
