// SUM() of REAL values exactly as SQLite (3.43+) computes it: Kahan-Babuska-Neumaier
// compensation, the error term added at the end unless it overflowed. Totals computed over
// decoded ledger blocks then equal, bit for bit, a SUM(cost_usd) over schema-1 ledger rows
// taken in the same order.
export class SqliteSum {
  private sum = 0;
  private err = 0;
  private count = 0;

  add(r: number): void {
    const s = this.sum;
    const t = s + r;
    if (Math.abs(s) > Math.abs(r)) this.err += (s - t) + r;
    else this.err += (r - t) + s;
    this.sum = t;
    this.count++;
  }

  /** null when nothing was added (SQL SUM of no rows). */
  value(): number | null {
    if (this.count === 0) return null;
    return Number.isFinite(this.err) ? this.sum + this.err : this.sum;
  }
}
