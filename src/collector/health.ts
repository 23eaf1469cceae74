// What /healthz reports: ok, degraded (with the problems named) or shutting_down. Degraded
// answers 503 so a load balancer sends elsewhere while intake or the store cannot keep up.

/** One source of trouble: a problem text while it lasts, undefined when fine. */
export type HealthCheck = () => string | undefined;

export interface HealthReport {
  status: 'ok' | 'degraded' | 'shutting_down';
  /** Empty when ok. */
  problems: string[];
}

/** How long one refusal for lack of capacity keeps the collector reported as busy. */
export const BUSY_WINDOW_MS = 10_000;

export class CollectorHealth {
  draining = false;
  private busyAt = -Infinity;
  private busyCount = 0;
  private readonly checks: HealthCheck[] = [];

  constructor(private readonly clock: () => number = Date.now) {
    this.checks.push(() => {
      if (this.clock() - this.busyAt > BUSY_WINDOW_MS) return undefined;
      return `intake_busy: requests refused for lack of capacity within the last ${BUSY_WINDOW_MS / 1000} s (${this.busyCount} since start)`;
    });
  }

  /** A request was refused with 503 because reading or processing capacity was spent. */
  markBusy(): void {
    this.busyAt = this.clock();
    this.busyCount++;
  }

  addCheck(check: HealthCheck): void {
    this.checks.push(check);
  }

  report(): HealthReport {
    if (this.draining) return { status: 'shutting_down', problems: ['shutting down'] };
    const problems = this.checks.map((c) => c()).filter((p): p is string => p !== undefined);
    return { status: problems.length === 0 ? 'ok' : 'degraded', problems };
  }
}
