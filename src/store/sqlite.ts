// The few SQLite calls the store makes, behind one small interface, and the driver behind it,
// loaded on first use (never at import): an app with `analytics: false` loads no native module.
//
// Driver: Node's built-in `node:sqlite` where the running Node has it without printing a
// warning in the host app, else better-sqlite3 (an optional dependency). Measured: Node 20 has
// no node:sqlite; Node 22.23.5 has it but loading it prints "ExperimentalWarning: SQLite is an
// experimental feature" on the app's stderr; Node 24.22.3 loads it silently (it became a
// release candidate in 24.15.0). So: node:sqlite from 24.15, better-sqlite3 before, and
// node:sqlite with its warning where better-sqlite3 cannot load (Node 22 without a build).
import { createRequire } from 'node:module';
import { StoreError } from './store-error.js';

export type SqlValue = null | number | bigint | string | Uint8Array;
export type SqlRow = Record<string, unknown>;

export interface SqliteStatement {
  run(...params: SqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: SqlValue[]): SqlRow | undefined;
  all(...params: SqlValue[]): SqlRow[];
}

/** What the store uses of a SQLite connection. */
export interface SqliteDatabase {
  /** Which driver opened it. */
  readonly driver: SqliteDriverName;
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  /**
   * Runs `fn` in one transaction: committed when it returns, rolled back when it throws.
   * 'write' takes the write lock up front (BEGIN IMMEDIATE); 'read' sees one snapshot. Not nested.
   */
  transaction<T>(mode: 'read' | 'write', fn: () => T): T;
  close(): void;
}

export type SqliteDriverName = 'node:sqlite' | 'better-sqlite3';

export interface OpenSqliteOptions {
  readOnly?: boolean;
  /** Which driver to use; default: chooseDriver(). Tests run the store on both. */
  driver?: SqliteDriverName;
}

/** Whether node:sqlite loads without an ExperimentalWarning on this Node version ("24.15.0"). */
export function quietNodeSqlite(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 24 || (major === 24 && minor >= 15);
}

export function chooseDriver(): SqliteDriverName {
  return quietNodeSqlite(process.versions.node) ? 'node:sqlite' : 'better-sqlite3';
}

/** The part of either driver's connection and statements this file calls. */
interface RawStatement {
  run(...params: SqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: SqlValue[]): unknown;
  all(...params: SqlValue[]): unknown[];
}
interface RawDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): RawStatement;
  close(): unknown;
}

/** Loads a module at run time. import.meta.url: tsup's shims give the CommonJS build its own. */
function load(id: string): unknown {
  return createRequire(import.meta.url)(id);
}

function openNodeSqlite(path: string, readOnly: boolean): RawDatabase {
  const { DatabaseSync } = load('node:sqlite') as { DatabaseSync: new (path: string, options: { readOnly: boolean }) => RawDatabase };
  return new DatabaseSync(path, { readOnly });
}

/** Whether this Node has node:sqlite at all (22.13 on; experimental before 24.15). */
function hasNodeSqlite(): boolean {
  try {
    load('node:sqlite');
    return true;
  } catch {
    return false;
  }
}

function openRaw(driver: SqliteDriverName, path: string, readOnly: boolean): { driver: SqliteDriverName; raw: RawDatabase } {
  if (driver === 'node:sqlite') return { driver, raw: openNodeSqlite(path, readOnly) };
  let Database: new (path: string, options: { readonly: boolean; fileMustExist: boolean }) => RawDatabase;
  try {
    Database = load('better-sqlite3') as typeof Database;
    // Its native binding loads with the first connection: a throwaway one tells a driver that
    // cannot load (not installed, built for another Node) from a path that cannot be opened.
    new Database(':memory:', { readonly: false, fileMustExist: false }).close();
  } catch (err) {
    // Node 22 has node:sqlite, still marked experimental (one ExperimentalWarning on stderr). A
    // store that works with one warning beats no store: used only when better-sqlite3 cannot load
    // (not installed, or built for another Node, as after a Node upgrade).
    if (hasNodeSqlite()) return { driver: 'node:sqlite', raw: openNodeSqlite(path, readOnly) };
    throw new StoreError(path, `no SQLite driver: Node ${process.versions.node} has no node:sqlite (Node has it from 22.13) and better-sqlite3 did not load (${(err as Error).message.split('\n')[0]})`,
      'Install it with `npm install better-sqlite3` (for this Node version), run on Node 22.13 or later, or set `analytics: false`');
  }
  return { driver, raw: new Database(path, { readonly: readOnly, fileMustExist: readOnly }) };
}

class Connection implements SqliteDatabase {
  private inTransaction = false;

  constructor(readonly driver: SqliteDriverName, private readonly raw: RawDatabase) {}

  exec(sql: string): void {
    this.raw.exec(sql);
  }

  prepare(sql: string): SqliteStatement {
    return this.raw.prepare(sql) as SqliteStatement;
  }

  transaction<T>(mode: 'read' | 'write', fn: () => T): T {
    if (this.inTransaction) throw new Error('otel-llm-cost store: nested transaction');
    this.raw.exec(mode === 'write' ? 'BEGIN IMMEDIATE' : 'BEGIN');
    this.inTransaction = true;
    let result: T;
    try {
      result = fn();
    } catch (err) {
      this.inTransaction = false;
      try {
        this.raw.exec('ROLLBACK');
      } catch {
        // SQLite already rolled back (some errors end the transaction themselves).
      }
      throw err;
    }
    this.inTransaction = false;
    try {
      this.raw.exec('COMMIT');
    } catch (err) {
      try {
        this.raw.exec('ROLLBACK');
      } catch {
        // Nothing left to roll back.
      }
      throw err;
    }
    return result;
  }

  close(): void {
    this.raw.close();
  }
}

/** Opens a SQLite connection (creating the file unless read-only). Loads the driver on first use. */
export function openSqlite(path: string, options: OpenSqliteOptions = {}): SqliteDatabase {
  const opened = openRaw(options.driver ?? chooseDriver(), path, options.readOnly === true);
  return new Connection(opened.driver, opened.raw);
}
