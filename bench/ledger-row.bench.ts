// What one ledger row costs the store, alone: the real schema (openDatabase), the real row
// (ledgerRowOf) and insert (Ledger.append), in flush-sized transactions (--rows, default 15,000:
// about half a second of the app bench's calls) into a ledger that already holds --preload rows
// (default 300,000). Calls carry a session of 5,000 and a user of 300, as in bench/app.bench.ts.
// Two stores, the same rows, alternating transactions: the schema as it is, and the same schema
// without the session index (ledger_session), to show what that index costs. CPU time of the
// process (the WAL writes and checkpoints included).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/store/open-database.js';
import { Ledger, ledgerRowOf } from '../src/store/ledger.js';
import type { LedgerRow } from '../src/store/rows.js';
import { pricedCall } from '../test/analytics/factory.js';
import { printTable } from './lib/measure.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '15000' },
    preload: { type: 'string', default: '300000' },
    rounds: { type: 'string', default: '10' },
  },
});
const ROWS = Number(values.rows);
const PRELOAD = Number(values.preload);
const ROUNDS = Number(values.rounds);

const dir = mkdtempSync(join(tmpdir(), 'otel-llm-cost-ledger-bench-'));
const stores = [
  { name: 'schema as it is', db: openDatabase(join(dir, 'indexed.db')) },
  { name: 'without the session index', db: openDatabase(join(dir, 'plain.db')) },
];
stores[1]!.db.exec('DROP INDEX ledger_session');
const ledgers = stores.map((s) => new Ledger(s.db, false));

const T0 = Date.UTC(2026, 0, 15, 12);
let seq = 0;
function batch(n: number): LedgerRow[] {
  const rows: LedgerRow[] = [];
  for (let k = 0; k < n; k++) {
    const i = seq++;
    const call = pricedCall({ at: T0 + i * 40, sessionId: `conv-${i % 5000}`, userId: `user-${i % 300}`, dimensions: { 'app.tenant': `tenant-${i % 20}` } });
    rows.push(ledgerRowOf(T0 + i * 40, 800, call));
  }
  return rows;
}
function cpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

for (let done = 0; done < PRELOAD; done += ROWS) {
  const rows = batch(ROWS);
  stores.forEach((s, i) => s.db.transaction('write', () => ledgers[i]!.append(rows)));
}
const spent = [0, 0];
for (let r = 0; r < ROUNDS; r++) {
  const rows = batch(ROWS);
  const order = r % 2 === 0 ? [0, 1] : [1, 0];
  for (const i of order) {
    const c0 = cpuUs();
    stores[i]!.db.transaction('write', () => ledgers[i]!.append(rows));
    spent[i]! += cpuUs() - c0;
  }
}
for (const s of stores) s.db.close();
rmSync(dir, { recursive: true, force: true });

const perRow = spent.map((us) => us / (ROUNDS * ROWS));
printTable(stores.map((s, i) => ({ store: s.name, 'CPU us per row': perRow[i]!.toFixed(2) })));
console.log(`${ROUNDS} transactions of ${ROWS} rows each into a ledger of ${PRELOAD} rows; the session index costs ${(perRow[0]! - perRow[1]!).toFixed(2)} us a row`);
