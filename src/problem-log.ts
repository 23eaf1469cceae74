import type { DiagLogger } from '@opentelemetry/api';

/**
 * Reports each kind of problem through diag once, when first seen, then only counts it;
 * `summary()` logs the totals (called on shutdown). A busy app with a bad emitter gets
 * one line per kind, not one per span.
 */
export class ProblemLog {
  private readonly counts = new Map<string, number>();

  constructor(private readonly logger: DiagLogger) {}

  /** `n`: how many occurrences this report stands for (default 1). */
  report(kind: string, detail: string, n = 1): void {
    const seen = this.counts.get(kind) ?? 0;
    if (seen === 0) this.logger.warn(`${kind}: ${detail} (further occurrences are counted, totals logged at shutdown)`);
    this.counts.set(kind, seen + n);
  }

  count(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  summary(): void {
    for (const [kind, n] of this.counts) if (n > 1) this.logger.warn(`${kind}: ${n} occurrences in total`);
  }
}
