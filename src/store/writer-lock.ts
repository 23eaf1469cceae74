// One store file, one writer. Two writers on one file lose data silently (each keeps its own
// rollups, budget spend and sketches in memory and writes them over the other's), so a second
// writer is refused at start, naming the one that holds the file. Readers (the report CLI, a
// readOnly engine) take no lock: WAL lets them read while the writer writes.
//
// The lock is `<store>.lock`, a small SQLite database (rollback journal) on which the writer
// holds a write transaction (BEGIN IMMEDIATE, a RESERVED lock) for as long as the store is open.
// SQLite's locks are POSIX advisory locks: the kernel drops them when the process ends, kill -9
// included, so a crashed writer never leaves a stale lock to clean by hand. A RESERVED lock still
// lets others read, so a refused writer reads the holder's pid and host from the lock file.
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { realpathSync } from 'node:fs';
import { openSqlite } from './sqlite.js';
import type { SqliteDatabase, SqliteDriverName } from './sqlite.js';
import { StoreError } from './store-error.js';

/**
 * Store files this process holds open for writing, by resolved path. Module state on purpose:
 * POSIX locks belong to the process, not to a connection, so the OS lock cannot tell this
 * process's second engine from its first; this set is what refuses it, with a message of its own.
 */
const heldHere = new Set<string>();

export interface WriterLock {
  /** The lock file next to the store. */
  readonly path: string;
  /** Releases the lock (the lock file stays; the next writer reuses it). Idempotent. */
  release(): void;
}

/** The store's path with symbolic links in its directory resolved: two spellings of one file are one file. */
function canonical(path: string): string {
  const abs = resolve(path);
  try {
    return join(realpathSync(dirname(abs)), basename(abs));
  } catch {
    return abs;
  }
}

const HOLDER_DDL = 'CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL)';

/** Who wrote themselves into the lock file last: the holder, when the lock is held. */
function holderOf(lockPath: string, driver: SqliteDriverName | undefined): string {
  let db: SqliteDatabase | undefined;
  try {
    db = openSqlite(lockPath, { readOnly: true, driver });
    db.exec('PRAGMA busy_timeout = 1000');
    const row = db.prepare('SELECT pid, host, since FROM holder WHERE id = 1').get() as { pid: number; host: string; since: string } | undefined;
    if (row === undefined) return 'another process (just starting; its pid is not written yet)';
    const where = row.host === hostname() ? `pid ${row.pid} on this host` : `pid ${row.pid} on host ${row.host}`;
    return `another process (${where}, writing since ${row.since})`;
  } catch {
    return 'another process (its pid could not be read from the lock file)';
  } finally {
    db?.close();
  }
}

function refusal(storePath: string, lockPath: string, holder: string): StoreError {
  return new StoreError(storePath, `${holder} is writing to it (lock file ${JSON.stringify(lockPath)})`,
    'A store file has one writer: stop that process, or give this one a store of its own (`store` / --store). '
    + `To read the store while it runs, use \`otel-llm-cost report --store ${storePath}\`; the file was not modified`);
}

/** Takes the writer lock of the store at `storePath`, or throws StoreError naming the holder. */
export function acquireWriterLock(storePath: string, driver?: SqliteDriverName): WriterLock {
  const key = canonical(storePath);
  const lockPath = `${storePath}.lock`;
  if (heldHere.has(key)) {
    throw new StoreError(storePath, `this process (pid ${process.pid}) already writes to it through another engine or processor`,
      'A store file has one writer: share that processor, or close it first; to read the store alongside it, open it with readOnly: true. The file was not modified');
  }
  let db: SqliteDatabase;
  try {
    db = openSqlite(lockPath, { driver });
  } catch (err) {
    throw new StoreError(storePath, `cannot open its lock file ${JSON.stringify(lockPath)} (${(err as Error).message})`, 'Check that the directory is writable, or move the lock file aside if it is not otel-llm-cost\'s');
  }
  try {
    // No waiting: a held lock is held for the holder's lifetime, so waiting could only fail later.
    db.exec('PRAGMA busy_timeout = 0');
    // Two writes: first who holds it (committed, so that others can read it), then the lock itself.
    // Two processes starting at once may interleave; the one whose second BEGIN succeeds holds it.
    db.exec('BEGIN IMMEDIATE');
    db.exec(HOLDER_DDL);
    db.prepare('INSERT OR REPLACE INTO holder (id, pid, host, since) VALUES (1, ?, ?, ?)').run(process.pid, hostname(), new Date().toISOString());
    db.exec('COMMIT');
    db.exec('BEGIN IMMEDIATE');
  } catch (err) {
    db.close();
    const busy = /locked|busy/i.test((err as Error).message);
    if (busy) throw refusal(storePath, lockPath, holderOf(lockPath, driver));
    throw new StoreError(storePath, `cannot take its writer lock in ${JSON.stringify(lockPath)} (${(err as Error).message})`, 'Move the lock file aside if it is not otel-llm-cost\'s, and start again');
  }
  heldHere.add(key);
  let released = false;
  return {
    path: lockPath,
    release() {
      if (released) return;
      released = true;
      heldHere.delete(key);
      try {
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    },
  };
}
