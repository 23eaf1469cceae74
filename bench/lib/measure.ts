/**
 * Median nanoseconds per operation over `rounds` timed rounds of `batch` operations each.
 * Between rounds the event loop turns (as it does in an app), so timers such as the
 * store's flush run outside the timed sections.
 */
export async function medianNsPerOpYielding(op: (i: number) => void, batch = 1000, rounds = 200, warmupRounds = 20): Promise<number> {
  let i = 0;
  for (let r = 0; r < warmupRounds; r++) for (let k = 0; k < batch; k++) op(i++);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    await new Promise((resolve) => setImmediate(resolve));
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < batch; k++) op(i++);
    samples.push(Number(process.hrtime.bigint() - t0) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

export function fmtNs(ns: number): string {
  return ns >= 1000 ? `${(ns / 1000).toFixed(2)} us` : `${ns.toFixed(0)} ns`;
}

export function printTable(rows: Array<Record<string, string | number>>): void {
  console.table(rows);
}

/** Same as medianNsPerOpYielding, without turning the event loop (pure CPU work). */
export function medianNsPerOp(op: (i: number) => void, batch = 1000, rounds = 200, warmupRounds = 20): number {
  let i = 0;
  for (let r = 0; r < warmupRounds; r++) for (let k = 0; k < batch; k++) op(i++);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < batch; k++) op(i++);
    samples.push(Number(process.hrtime.bigint() - t0) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}
