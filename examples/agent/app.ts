// An agent app in the shape agent frameworks trace (GenAI semantic conventions): each agent
// run is an `invoke_agent` span carrying gen_ai.agent.name and the conversation id, and the
// model calls under it are spans of the openai client, traced by the contrib
// @opentelemetry/instrumentation-openai, which never sets the agent. The request span carries
// the user. With `dimensions: ['gen_ai.agent.name']` every call is labelled with its agent,
// inherited from the enclosing span, in-process and in `otel-llm-cost serve` (which gets the
// spans over OTLP, all of one request in one export).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { spawnCollector, type CollectorProcess } from '../collector/collector-process.js';
import { startExample, type Example } from '../shared/harness.js';
import type { OpenAiModule } from '../shared/openai-calls.js';
import { QUESTIONS, SYSTEM_PROMPT } from '../shared/prompts.js';

export const SERVICE_NAME = 'travel-agents';
export const DIMENSIONS = ['gen_ai.agent.name'];
export const USER_ID = 'user-7';
export const CONVERSATION_ID = 'conv-2025-0042';

export interface AgentExample {
  example: Example;
  /** undefined when run without the collector. */
  collector: CollectorProcess | undefined;
  scrapeCollector(): Promise<string>;
  shutdown(): Promise<void>;
}

type OpenAI = InstanceType<OpenAiModule['OpenAI']>;

/** One agent run: an invoke_agent span around `work`, active so the client spans nest under it. */
function invokeAgent(tracer: Tracer, name: string, work: () => Promise<void>): Promise<void> {
  const attributes = {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': name,
    'gen_ai.agent.id': `agent-${name}`,
    'gen_ai.conversation.id': CONVERSATION_ID,
    'gen_ai.provider.name': 'openai',
  };
  return tracer.startActiveSpan(`invoke_agent ${name}`, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      await work();
    } finally {
      span.end();
    }
  });
}

async function runAgents(client: OpenAI, tracer: Tracer): Promise<void> {
  const chat = (model: string, question: string) =>
    client.chat.completions.create({ model, messages: [{ role: 'system', content: SYSTEM_PROMPT }, { role: 'user', content: question }] });
  const attributes = { 'http.request.method': 'POST', 'http.route': '/chat', 'user.id': USER_ID };
  await tracer.startActiveSpan('POST /chat', { kind: SpanKind.SERVER, attributes }, async (request) => {
    try {
      await invokeAgent(tracer, 'travel-planner', async () => {
        await chat('gpt-4o-mini', QUESTIONS[0] as string);
        // A tool run between the two model calls (execute_tool: a wrapper, never counted).
        tracer.startActiveSpan('execute_tool weather', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'weather' } }, (tool) => tool.end());
        await chat('gpt-4o-mini', QUESTIONS[1] as string);
      });
      await invokeAgent(tracer, 'billing', async () => {
        await chat('o4-mini', QUESTIONS[2] as string);
      });
      // A call the app makes itself, outside any agent: no agent label.
      await chat('gpt-4o-mini', 'Give this conversation a short title.');
    } finally {
      request.end();
    }
  });
}

/** `collector: true` also sends every span over OTLP/HTTP to a spawned `otel-llm-cost serve`. */
export async function runExample(options: { collector?: boolean } = {}): Promise<AgentExample> {
  let collector: CollectorProcess | undefined;
  if (options.collector === true) {
    const config = join(tmpdir(), `otel-llm-cost-agent-example-${process.pid}.yaml`);
    writeFileSync(config, `dimensions:\n${DIMENSIONS.map((d) => `  - ${d}\n`).join('')}`);
    collector = await spawnCollector(['--config', config]);
  }
  try {
    // One export at forceFlush: the collector attributes within the spans of one request.
    const otlp = collector && new BatchSpanProcessor(new OTLPTraceExporter({ url: collector.otlpUrl }), { scheduledDelayMillis: 60_000 });
    const example = await startExample({
      serviceName: SERVICE_NAME,
      instrumentations: [new OpenAIInstrumentation()],
      spanProcessors: otlp ? [otlp] : [],
      processorOptions: { dimensions: DIMENSIONS },
    });
    const { OpenAI } = createRequire(import.meta.url)('openai') as OpenAiModule;
    await runAgents(new OpenAI({ apiKey: 'sk-mock', baseURL: example.mock.openAiBaseUrl }), example.tracerProvider.getTracer('travel-agents'));
    await example.tracerProvider.forceFlush();
    return {
      example,
      collector,
      scrapeCollector: async () => (collector ? (await fetch(collector.metricsUrl)).text() : ''),
      shutdown: async () => {
        await example.shutdown();
        await collector?.stop();
      },
    };
  } catch (err) {
    await collector?.stop();
    throw err;
  }
}
