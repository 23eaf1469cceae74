// The ledger rows waiting for the store, and what the engine says while the store refuses them.
// A flush that fails (disk full, permissions, I/O errors) keeps its rows here, ahead of newer
// ones, and the next flush retries them all: nothing acknowledged is lost once the store takes
// writes again, within a bound in bytes. Past the bound the oldest rows go, counted as dropped
// (windows, budgets and metrics still count those calls; only their ledger rows are gone).
// While writes fail: one log line with the cause when they start failing and one when they
// recover (not one per flush), a counter by reason, and a problem for /healthz.
import type { Counter, DiagLogger, Meter } from '@opentelemetry/api';
import { ATTR_REASON, METRIC_STORE_WRITE_FAILURES } from '../semconv.js';
import type { LedgerRow } from '../store/rows.js';
import { describeWriteError, writeFailureReason } from '../store/write-failure.js';
import type { WriteFailureReason } from '../store/write-failure.js';

/** Default bound of the rows kept while the store fails: about 250,000 calls. */
export const DEFAULT_STORE_BACKLOG_BYTES = 128 * 1024 * 1024;

/** The drop reason (llm.cost.spans.dropped) of ledger rows beyond the bound. */
export const DROP_STORE_BACKLOG_FULL = 'store_backlog_full';

/**
 * The JS heap a waiting row holds, estimated: 336 bytes for the row's array and numbers
 * (measured: 337 B a row over 200,000 rows whose strings were shared, Node 20), plus each of
 * its strings (trace, span, session ids...) with V8's string header.
 */
export function rowBytes(row: LedgerRow): number {
  let bytes = 336;
  for (const v of row) if (typeof v === 'string') bytes += 16 + v.length;
  return bytes;
}

export interface StoreBacklogOptions {
  /** Bytes of waiting rows kept; the oldest beyond it are dropped. */
  maxBytes: number;
  meter: Meter;
  logger: DiagLogger;
  /** Rows dropped for the bound (the pipeline's llm.cost.spans.dropped). */
  onDropped?: (reason: string, rows: number) => void;
  clock: () => number;
}

interface Failing {
  sinceMs: number;
  reason: WriteFailureReason;
  cause: string;
  flushes: number;
}

export class StoreBacklog {
  private rows: LedgerRow[] = [];
  private bytes = 0;
  private failing: Failing | undefined;
  private readonly failures: Counter;
  private readonly reasonAttrs = new Map<WriteFailureReason, { [ATTR_REASON]: WriteFailureReason }>();
  /** Rows dropped for the bound since start. */
  dropped = 0;
  /** Failed flushes since start. */
  flushErrors = 0;
  /** The error of the last flush when it failed; cleared by a successful one. */
  lastError: Error | undefined;

  constructor(private readonly options: StoreBacklogOptions) {
    this.failures = options.meter.createCounter(METRIC_STORE_WRITE_FAILURES, {
      unit: '{write}',
      description: 'Writes to the SQLite store that failed (each is retried), by reason: disk_full, io_error, permission, busy, corrupt, other.',
    });
  }

  get length(): number {
    return this.rows.length;
  }

  /** Adds one row; drops the oldest rows while over the bound. Returns the rows waiting. */
  push(row: LedgerRow): number {
    this.rows.push(row);
    this.bytes += rowBytes(row);
    if (this.bytes > this.options.maxBytes) this.shed();
    return this.rows.length;
  }

  /** Takes every waiting row for a flush; give them back with failed() if it fails. */
  take(): LedgerRow[] {
    const rows = this.rows;
    this.rows = [];
    this.bytes = 0;
    return rows;
  }

  /** The flush of `rows` (from take()) failed with `err`: they wait again, ahead of newer rows. */
  failed(rows: LedgerRow[], err: Error): void {
    let bytes = 0;
    for (const r of rows) bytes += rowBytes(r);
    this.rows = rows.concat(this.rows);
    this.bytes += bytes;
    if (this.bytes > this.options.maxBytes) this.shed();
    this.flushErrors++;
    this.lastError = err;
    const reason = writeFailureReason(err);
    this.failures.add(1, this.attrs(reason));
    const cause = describeWriteError(err);
    if (this.failing === undefined) {
      this.failing = { sinceMs: this.options.clock(), reason, cause, flushes: 1 };
      this.options.logger.error(`store writes are failing (${reason}: ${cause}); ${this.rows.length} calls wait in memory (up to `
        + `${mib(this.options.maxBytes)}, storeBacklogBytes) and are retried at every flush; /healthz reports degraded until a write succeeds. `
        + 'Logged once until the store recovers');
    } else {
      this.failing.flushes++;
      this.failing.reason = reason;
      this.failing.cause = cause;
    }
  }

  /** A flush succeeded: the failure, if any, is over. */
  succeeded(rowsWritten: number): void {
    this.lastError = undefined;
    const was = this.failing;
    if (was === undefined) return;
    this.failing = undefined;
    this.options.logger.warn(`store writes recovered after ${was.flushes} failed flushes over ${Math.round((this.options.clock() - was.sinceMs) / 1000)} s; `
      + `${rowsWritten} waiting calls written${this.dropped > 0 ? `, ${this.dropped} dropped for the backlog bound since start` : ''}`);
  }

  /** The /healthz problem while writes fail; undefined when the last flush succeeded. */
  problem(): string | undefined {
    const f = this.failing;
    if (f === undefined) return undefined;
    return `store_write_failing: ${f.reason} (${f.cause}) since ${new Date(f.sinceMs).toISOString()}, ${f.flushes} failed flushes; `
      + `${this.rows.length} calls waiting (${mib(this.bytes)} of ${mib(this.options.maxBytes)}), ${this.dropped} dropped`;
  }

  /** Drops the oldest rows down to 90% of the bound (a tenth of headroom, so not at every push). */
  private shed(): void {
    const target = this.options.maxBytes * 0.9;
    let n = 0;
    while (this.bytes > target && n < this.rows.length) this.bytes -= rowBytes(this.rows[n++]!);
    if (n === 0) return;
    this.rows.splice(0, n);
    if (this.dropped === 0) {
      this.options.logger.error(`the store backlog reached its bound (${mib(this.options.maxBytes)}, storeBacklogBytes): dropped the oldest ${n} ledger rows `
        + `(windows, budgets and metrics still count those calls); further drops are counted in llm.cost.spans.dropped{reason="${DROP_STORE_BACKLOG_FULL}"}`);
    }
    this.dropped += n;
    this.options.onDropped?.(DROP_STORE_BACKLOG_FULL, n);
  }

  private attrs(reason: WriteFailureReason): { [ATTR_REASON]: WriteFailureReason } {
    let a = this.reasonAttrs.get(reason);
    if (a === undefined) {
      a = { [ATTR_REASON]: reason };
      this.reasonAttrs.set(reason, a);
    }
    return a;
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
