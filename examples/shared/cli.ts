// The body of every example's main.ts: run the app, print the calls with their costs, the
// raw span attributes (with --spans) and an excerpt of the app's /metrics.
import type { Example } from './harness.js';
import { printAnalytics, printCalls, printMetrics, printSpans } from './report.js';

export async function runMain(title: string, run: () => Promise<Example>): Promise<void> {
  console.log(`# ${title}`);
  const example = await run();
  try {
    await example.processor?.forceFlush();
    if (process.argv.includes('--spans')) printSpans(example.spans.getFinishedSpans());
    printCalls(example.mock.calls, example.pricedCalls());
    if (example.processor) printAnalytics(example.processor);
    printMetrics(example.metricsUrl, await example.metricsExcerpt());
  } finally {
    await example.shutdown();
  }
}
