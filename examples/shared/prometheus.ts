// Reading Prometheus exposition text: enough to assert on samples and print an excerpt.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (m === null) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return samples;
}

/** Samples of one metric whose labels include all of `match`. */
export function samplesOf(samples: Sample[], name: string, match: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

export function sumOf(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  return samplesOf(samples, name, match).reduce((n, s) => n + s.value, 0);
}

/** The lines (with their HELP/TYPE headers) of the metrics whose names start with one of `prefixes`. */
export function excerpt(text: string, prefixes: string[], skip: RegExp = /_bucket\{/): string {
  return text
    .split('\n')
    .filter((line) => {
      const name = line.startsWith('#') ? (line.split(' ')[2] ?? '') : line;
      return prefixes.some((p) => name.startsWith(p)) && !skip.test(line);
    })
    .join('\n');
}
