// npm run example:collector: one app, priced in-process and by `otel-llm-cost serve`
// from the same spans over OTLP; prints both /metrics excerpts and compares every series.
import { printCalls } from '../shared/report.js';
import { excerpt, parsePrometheus } from '../shared/prometheus.js';
import { COMPARED_METRICS, runExample, seriesMap, waitForRequests } from './app.js';

console.log('# In-process LlmCostSpanProcessor and the otel-llm-cost collector, side by side');
const run = await runExample();
try {
  const { example, collector } = run;
  console.log(`collector: ${collector.command}\n  OTLP ${collector.otlpUrl}\n  metrics ${collector.metricsUrl}`);
  printCalls(example.mock.calls, example.pricedCalls());
  await example.processor?.forceFlush();
  const inProcess = seriesMap(parsePrometheus(await example.scrape()));
  const fromCollector = seriesMap(await waitForRequests(run.scrapeCollector, example.mock.calls.length));
  console.log(`\nExcerpt of the collector's ${collector.metricsUrl}:`);
  console.log(excerpt(await run.scrapeCollector(), ['llm_cost_usd']));
  const keys = [...new Set([...inProcess.keys(), ...fromCollector.keys()])].sort();
  const differing = keys.filter((k) => inProcess.get(k) !== fromCollector.get(k));
  console.log(`\nCompared ${keys.length} series of ${COMPARED_METRICS.join(', ')}: ${differing.length === 0 ? 'all equal' : `${differing.length} differ`}`);
  for (const k of differing) console.log(`  ${k}: in-process ${inProcess.get(k)} collector ${fromCollector.get(k)}`);
} finally {
  await run.shutdown();
}
