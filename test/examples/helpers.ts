// Shared assertions of the example scenarios.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { expect } from 'vitest';
import { parsePrometheus, samplesOf, type Sample } from '../../examples/shared/prometheus.js';
import type { Example } from '../../examples/shared/harness.js';

/** Costs agree to 1e-9 relative (DESIGN.md: sums are exact to 1e-9 relative). */
export function expectUsd(actual: number | undefined, expected: number): void {
  expect(actual).toBeTypeOf('number');
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(Math.max(Math.abs(expected) * 1e-9, 1e-15));
}

export async function scrapeSamples(example: Example): Promise<Sample[]> {
  await example.processor?.forceFlush();
  return parsePrometheus(await example.scrape());
}

/** `metric` summed per value of `label` (missing label -> ''). */
export function sumBy(samples: Sample[], metric: string, label: string, match: Record<string, string> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samplesOf(samples, metric, match)) {
    const key = s.labels[label] ?? '';
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

/** The distinct values of the given labels over a metric's series, as 'a|b|c' strings, sorted. */
export function labelSets(samples: Sample[], metric: string, labels: string[]): string[] {
  const sets = new Set(samplesOf(samples, metric).map((s) => labels.map((l) => s.labels[l] ?? '').join('|')));
  return [...sets].sort();
}

function hrTimeToMs(t: readonly [number, number]): number {
  return t[0] * 1000 + t[1] / 1e6;
}

/**
 * The time test of dedupeUnnestedCopies (src/dedupe/unnested-copies.ts), on the same
 * millisecond values the pipeline gets from spanInputFromReadable: one span's range inside
 * the other's. The SDK takes a span's start from Date.now() (whole ms) and its end as start +
 * a sub-ms duration, so two spans that start in different milliseconds can come out
 * overlapping without either containing the other.
 */
export function nestedInTime(a: ReadableSpan, b: ReadableSpan): boolean {
  const [aStart, aEnd, bStart, bEnd] = [a.startTime, a.endTime, b.startTime, b.endTime].map(hrTimeToMs) as [number, number, number, number];
  return (aStart >= bStart && aEnd <= bEnd) || (bStart >= aStart && bEnd <= aEnd);
}
