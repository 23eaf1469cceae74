// Multi-row INSERT: one statement per chunk of rows instead of one per row, which saves the
// per-statement cost (a native call, a VDBE run and reset) that dominates narrow rows.
import type { SqliteDatabase } from './open-database.js';

type Statement = ReturnType<SqliteDatabase['prepare']>;

interface Chunk {
  rows: number;
  stmt: Statement;
  /** Reused argument vector (rows * columns values). */
  args: unknown[];
}

/** Chunk sizes, largest first; 1 takes the rest. */
const SIZES = [128, 16, 1] as const;

export class ChunkedInsert<T> {
  private readonly chunks: Chunk[];

  /**
   * `head` is the statement up to VALUES (exclusive), `tail` what follows the rows (e.g. an
   * ON CONFLICT clause). `fill` writes one row's `columns` values at `args[at]`.
   */
  constructor(
    db: SqliteDatabase,
    head: string,
    private readonly columns: number,
    private readonly fill: (args: unknown[], at: number, row: T) => void,
    tail = '',
  ) {
    const one = `(${new Array<string>(columns).fill('?').join(', ')})`;
    this.chunks = SIZES.map((rows) => ({
      rows,
      stmt: db.prepare(`${head} VALUES ${new Array<string>(rows).fill(one).join(', ')} ${tail}`),
      args: new Array<unknown>(rows * columns),
    }));
  }

  /** Inserts `rows` in order (rowids are assigned in that order). */
  run(rows: readonly T[]): void {
    const { columns, fill } = this;
    let i = 0;
    for (const c of this.chunks) {
      const args = c.args;
      while (rows.length - i >= c.rows) {
        for (let j = 0; j < c.rows; j++) fill(args, j * columns, rows[i + j] as T);
        c.stmt.run(args);
        i += c.rows;
      }
    }
  }
}
