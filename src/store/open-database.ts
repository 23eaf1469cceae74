// Opens (or creates) the SQLite store. An existing file is first inspected read-only: a
// corrupt file, a foreign database, an earlier build's layout or a newer schema throws
// StoreError before any write, so such a file is never modified, reset or overwritten.
// A writer then takes the store's writer lock (writer-lock.ts): one writer per file.
import { accessSync, closeSync, constants, existsSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { APP_ID, SCHEMA_DDL, SCHEMA_VERSION } from './schema.js';
import { openSqlite } from './sqlite.js';
import type { SqliteDatabase, SqliteDriverName } from './sqlite.js';
import { StoreError } from './store-error.js';
import { acquireWriterLock } from './writer-lock.js';
import type { WriterLock } from './writer-lock.js';

const SQLITE_MAGIC = 'SQLite format 3\u0000';
const UNTOUCHED = 'the file was not modified';

function readHeader(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

function pragma(db: SqliteDatabase, name: string): unknown {
  const row = db.prepare(`PRAGMA ${name}`).get();
  return row === undefined ? undefined : Object.values(row)[0];
}

/** Validates an existing, non-empty store file without writing to it. */
function inspect(path: string, driver: SqliteDriverName | undefined): void {
  if (readHeader(path) !== SQLITE_MAGIC) {
    throw new StoreError(path, 'the file is not a SQLite database (bad header; corrupt or not a store)', `Move it aside or point \`store\` at another path; ${UNTOUCHED}`);
  }
  let db: SqliteDatabase;
  try {
    db = openSqlite(path, { readOnly: true, driver });
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw unreadable(path, err);
  }
  try {
    let check: unknown[];
    try {
      check = db.prepare('PRAGMA quick_check').all().map((r) => Object.values(r)[0]);
    } catch (err) {
      if (!isCorruption(err)) throw unreadable(path, err);
      throw new StoreError(path, `the database is corrupt (${(err as Error).message})`, `Restore it from a backup or move it aside; ${UNTOUCHED}`);
    }
    if (check.length !== 1 || check[0] !== 'ok') {
      throw new StoreError(path, `the database is corrupt (quick_check: ${JSON.stringify(check.slice(0, 3))})`, `Restore it from a backup or move it aside; ${UNTOUCHED}`);
    }
    const version = pragma(db, 'user_version') as number;
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (version === 0 && tables.n > 0) {
      throw new StoreError(path, 'it is a SQLite database of another application', `Point \`store\` at a new path; ${UNTOUCHED}`);
    }
    if (version === 0) return;
    const app = db.prepare("SELECT value FROM meta WHERE key = 'app'").get() as { value: string } | undefined;
    if (app?.value !== APP_ID) {
      throw new StoreError(path, 'it is a SQLite database of another application', `Point \`store\` at a new path; ${UNTOUCHED}`);
    }
    if (version > SCHEMA_VERSION) {
      throw new StoreError(path, `it has schema version ${version}, newer than this otel-llm-cost (version ${SCHEMA_VERSION})`, `Upgrade otel-llm-cost, or use another store path; ${UNTOUCHED}`);
    }
    if (version < SCHEMA_VERSION) {
      throw new StoreError(path, `it was written by an earlier, unreleased build of otel-llm-cost (store schema ${version}; this build reads schema ${SCHEMA_VERSION} and converts no older one)`,
        `Move or delete the file to start a new store, or set \`store\` to another path; ${UNTOUCHED}`);
    }
  } finally {
    db.close();
  }
}

/** SQLite's own verdict that the file is damaged, as opposed to it being unreadable here (permissions, a read-only directory). */
function isCorruption(err: unknown): boolean {
  const e = err as { code?: unknown; errcode?: unknown; message?: unknown };
  // better-sqlite3 names the result code; node:sqlite gives its number (11 SQLITE_CORRUPT, 26 SQLITE_NOTADB).
  if (typeof e.code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(e.code)) return true;
  if (typeof e.errcode === 'number' && ((e.errcode & 0xff) === 11 || (e.errcode & 0xff) === 26)) return true;
  return typeof e.message === 'string' && /malformed|not a database/i.test(e.message);
}

function unreadable(path: string, err: unknown): StoreError {
  return new StoreError(path, `SQLite cannot read it here (${(err as Error).message})`,
    `A store written in WAL mode needs its ${JSON.stringify(`${path}-wal`)} and -shm files beside it, or a writable directory to create them: `
    + `check the permissions of the file and of its directory; ${UNTOUCHED}`);
}

/**
 * inspect(), leaving no trace when it refuses the file: SQLite's read-only connection to a
 * WAL-mode file creates empty `-wal` and `-shm` files beside it and leaves them on close. The
 * driver cannot be told not to (better-sqlite3 is built without URI filenames, so no
 * `immutable=1`), so the ones this inspection created are removed again: the -wal only while
 * empty (a read-only connection never writes it, so a non-empty one is someone else's).
 */
function inspectLeavingNoTrace(path: string, driver: SqliteDriverName | undefined): void {
  const wal = `${path}-wal`;
  const shm = `${path}-shm`;
  const hadWal = existsSync(wal);
  const hadShm = existsSync(shm);
  try {
    inspect(path, driver);
  } catch (err) {
    if (!hadWal && existsSync(wal) && statSync(wal).size === 0) {
      rmSync(wal, { force: true });
      if (!hadShm) rmSync(shm, { force: true });
    }
    throw err;
  }
}

/**
 * A writer needs the store's directory writable (SQLite creates the -wal, -shm and journal
 * files there) and the file itself. Checked first, so that a healthy store on a read-only
 * mount is not taken for a damaged one.
 */
function checkWritable(path: string): void {
  const targets: [string, string][] = [[dirname(resolve(path)), 'directory']];
  if (existsSync(path)) targets.push([path, 'file']);
  for (const [target, what] of targets) {
    try {
      accessSync(target, constants.W_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A missing directory is said by the open below ("check that the directory exists").
      if (code === 'ENOENT') continue;
      const why = code === 'EROFS' ? 'it is on a read-only file system' : `${code ?? 'access denied'}`;
      throw new StoreError(path, `the ${what} ${JSON.stringify(target)} is not writable (${why}); the store writes the file and its -wal and -shm files beside it`,
        `Make the ${what} writable (on a read-only mount, remount it read-write), or set \`store\` (--store) to a path in a writable directory; `
        + `to only read this store, run \`otel-llm-cost report --store ${path}\`. ${UNTOUCHED[0]!.toUpperCase()}${UNTOUCHED.slice(1)}`);
    }
  }
}

export interface OpenDatabaseOptions {
  /** Open read-only (report CLI): never creates or writes. */
  readOnly?: boolean;
  /** How long a write waits for another connection's lock before failing (ms). Default: 5000. */
  busyTimeoutMs?: number;
  /** SQLite driver; default: the one sqlite.ts chooses for this Node. */
  driver?: SqliteDriverName;
}

/** Opens the store at `path` (or ':memory:'), creating the schema when the file is new. */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  const memory = path === ':memory:';
  if (!memory && !options.readOnly) checkWritable(path);
  const exists = !memory && existsSync(path) && statSync(path).size > 0;
  if (exists) inspectLeavingNoTrace(path, options.driver);
  const busy = `PRAGMA busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`;
  if (options.readOnly) {
    if (!exists) throw new StoreError(path, 'no store exists at this path', 'Pass --store with the path the collector or app writes to');
    const db = openSqlite(path, { readOnly: true, driver: options.driver });
    db.exec(busy);
    return db;
  }
  const cannotOpen = (why: string): StoreError => new StoreError(path, `SQLite cannot create or open it (${why})`, 'Check that the directory exists and is writable, or set `store` to another path');
  let lock: WriterLock | undefined;
  if (!memory) {
    if (!existsSync(dirname(resolve(path)))) throw cannotOpen('its directory does not exist');
    lock = acquireWriterLock(path, options.driver);
  }
  let db: SqliteDatabase;
  try {
    db = openSqlite(path, { driver: options.driver });
  } catch (err) {
    lock?.release();
    if (err instanceof StoreError) throw err;
    throw cannotOpen((err as Error).message);
  }
  try {
    // WAL: a flush appends to the log and readers (the report CLI) never block the writer.
    // synchronous=NORMAL: a commit survives the process being killed; a power loss may lose the last ones.
    if (!memory) db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
    db.exec(busy);
    if (pragma(db, 'user_version') === 0) {
      db.transaction('write', () => {
        // Checked again under the write lock: another process may have created it meanwhile.
        if (pragma(db, 'user_version') !== 0) return;
        db.exec(SCHEMA_DDL);
        db.prepare("INSERT INTO meta (key, value) VALUES ('app', ?)").run(APP_ID);
        db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      });
    }
    return lock === undefined ? db : releasingOnClose(db, lock);
  } catch (err) {
    db.close();
    lock?.release();
    throw err;
  }
}

/** `db`, whose close() also releases the writer lock. */
function releasingOnClose(db: SqliteDatabase, lock: WriterLock): SqliteDatabase {
  return {
    driver: db.driver,
    exec: (sql) => db.exec(sql),
    prepare: (sql) => db.prepare(sql),
    transaction: (mode, fn) => db.transaction(mode, fn),
    close() {
      try {
        db.close();
      } finally {
        lock.release();
      }
    },
  };
}
