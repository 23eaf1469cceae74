// A shared allowance of bytes held in memory at once (request bodies being read, queued
// forward bodies, ...). Holders take bytes as they buffer them and give them back when done;
// a take that would pass the limit fails, and the caller answers "busy" instead of growing.
export class ByteBudget {
  private usedBytes = 0;
  private lastRefusalAt = -Infinity;

  constructor(
    readonly limitBytes: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get used(): number {
    return this.usedBytes;
  }

  /** Takes `n` bytes if they fit; false (and nothing taken) otherwise. */
  tryTake(n: number): boolean {
    if (this.usedBytes + n > this.limitBytes) {
      this.lastRefusalAt = this.clock();
      return false;
    }
    this.usedBytes += n;
    return true;
  }

  give(n: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - n);
  }

  /** Whether a take was refused within the last `windowMs` (for /healthz). */
  refusedWithin(windowMs: number): boolean {
    return this.clock() - this.lastRefusalAt <= windowMs;
  }
}
