// An ESM app: a plain `import OpenAI from 'openai'`. Run it with the instrumentation loaded
// first (see instrumentation.mjs); OPENAI_BASE_URL and OPENAI_API_KEY say where the client goes.
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import OpenAI from 'openai';
import { costs, metricsExporter, sdk } from './instrumentation.mjs';

const client = new OpenAI();
const reply = await client.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hello from an ESM app.' }],
});
console.log(`reply: ${reply.choices[0]?.message.content ?? ''}`);

const rows = costs.analytics.byModel({ hours: 1 });
console.log(`calls counted: ${rows.reduce((n, r) => n + r.calls, 0)}, cost USD: ${rows.reduce((n, r) => n + r.costUsd, 0)}`);
const { resourceMetrics } = await metricsExporter.collect();
process.stdout.write(new PrometheusSerializer().serialize(resourceMetrics));
await sdk.shutdown();
