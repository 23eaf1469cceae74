// Opens (or creates) the SQLite store. An existing file is first inspected read-only: a
// corrupt file, a foreign database or a newer schema throws StoreError before any write,
// so such a file is never modified, reset or overwritten. An older schema is upgraded at a
// writable open, and read as it is at a read-only one.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { APP_ID, SCHEMA_DDL, SCHEMA_VERSION } from './schema.js';
import { StoreError } from './store-error.js';
import { upgradeFromV1 } from './upgrade-v1.js';

export type SqliteDatabase = Database.Database;

const SQLITE_MAGIC = 'SQLite format 3\u0000';

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

/** Validates an existing, non-empty store file without writing to it. */
function inspect(path: string): void {
  if (readHeader(path) !== SQLITE_MAGIC) {
    throw new StoreError(path, 'the file is not a SQLite database (bad header; corrupt or not a store)', 'Move it aside or point `store` at another path; the file was not modified');
  }
  let db: SqliteDatabase;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new StoreError(path, `SQLite refused to open it (${(err as Error).message})`, 'Check the file and its permissions; it was not modified');
  }
  try {
    let check: unknown[];
    try {
      check = db.pragma('quick_check') as unknown[];
    } catch (err) {
      throw new StoreError(path, `the database is corrupt (${(err as Error).message})`, 'Restore it from a backup or move it aside; it was not modified');
    }
    const first = check[0] as Record<string, unknown> | undefined;
    if (check.length !== 1 || first?.quick_check !== 'ok') {
      throw new StoreError(path, `the database is corrupt (quick_check: ${JSON.stringify(check.slice(0, 3))})`, 'Restore it from a backup or move it aside; it was not modified');
    }
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new StoreError(path, `it has schema version ${version}, newer than this otel-llm-cost (version ${SCHEMA_VERSION})`, 'Upgrade otel-llm-cost, or use another store path; the file was not modified');
    }
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (version === 0 && tables.n > 0) {
      throw new StoreError(path, 'it is a SQLite database of another application', 'Point `store` at a new path; the file was not modified');
    }
    if (version > 0) {
      const app = db.prepare("SELECT value FROM meta WHERE key = 'app'").get() as { value: string } | undefined;
      if (app?.value !== APP_ID) {
        throw new StoreError(path, 'it is a SQLite database of another application', 'Point `store` at a new path; the file was not modified');
      }
    }
  } finally {
    db.close();
  }
}

export interface OpenDatabaseOptions {
  /** Open read-only (report CLI): never creates or writes. */
  readOnly?: boolean;
  /** How long a write waits for another connection's lock before failing (ms). Default: 5000. */
  busyTimeoutMs?: number;
}

/** Opens the store at `path` (or ':memory:'), creating the schema when the file is new. */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  const memory = path === ':memory:';
  const exists = !memory && existsSync(path) && statSync(path).size > 0;
  if (exists) inspect(path);
  if (options.readOnly) {
    if (!exists) throw new StoreError(path, 'no store exists at this path', 'Pass --store with the path the collector or app writes to');
    return new Database(path, { readonly: true, fileMustExist: true });
  }
  let db: SqliteDatabase;
  try {
    db = new Database(path);
  } catch (err) {
    throw new StoreError(path, `SQLite cannot create or open it (${(err as Error).message})`, 'Check that the directory exists and is writable, or set `store` to another path');
  }
  try {
    if (!memory) {
      // Takes effect only while the file is new (WAL fixes it after). Ledger blocks are ~100 KB
      // blobs: 16 KB pages write them in a quarter of the pages, ~40% faster than 4 KB ones.
      db.pragma('page_size = 16384');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === 0) {
      db.transaction(() => {
        db.exec(SCHEMA_DDL);
        db.prepare("INSERT INTO meta (key, value) VALUES ('app', ?)").run(APP_ID);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
    } else if (version === 1) {
      upgradeFromV1(db);
    }
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
