// breakdown()'s cursor: the (time, id) position of a page's last row, as an opaque string.
import type { LedgerPosition } from '../store/ledger.js';
import { QueryError } from './query-error.js';

export function encodeCursor(p: LedgerPosition): string {
  return Buffer.from(`${p.tsMs}.${p.id}`).toString('base64url');
}

export function decodeCursor(cursor: unknown): LedgerPosition {
  const text = typeof cursor === 'string' ? Buffer.from(cursor, 'base64url').toString() : '';
  const m = /^(-?\d{1,16})\.(\d{1,16})$/.exec(text);
  if (m === null || Buffer.from(text).toString('base64url') !== cursor) {
    throw new QueryError(`cursor must be a nextCursor returned by breakdown(), got ${JSON.stringify(cursor)}`);
  }
  return { tsMs: Number(m[1]), id: Number(m[2]) };
}
