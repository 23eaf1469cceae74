// Shared assertions of the example scenarios.
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
