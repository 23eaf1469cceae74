import { describe, expect, it } from 'vitest';
import { Extractor } from '../../src/extract/index.js';
import type { LlmCall } from '../../src/types.js';
import * as d from '../fixtures/dialects.js';
import type { DialectFixture } from '../fixtures/dialects.js';
import { emitSpans } from '../fixtures/spans.js';

function extractOne(fixture: DialectFixture, invalid: string[] = []): LlmCall | undefined {
  const run = emitSpans({ name: 'span', scope: fixture.scope, attributes: fixture.attributes }, { serviceName: 'svc' });
  const extractor = new Extractor({ onInvalidValue: (key) => invalid.push(key) });
  expect(extractor.isCandidate(run.input('span').attributes)).toBe(true);
  return extractor.extract(run.input('span'));
}

/** The fields that depend on the dialect (ids and times are checked separately). */
function fields(call: LlmCall | undefined) {
  if (call === undefined) return undefined;
  const { traceId: _t, spanId: _s, parentSpanId: _p, startTimeMs: _a, endTimeMs: _b, ...rest } = call;
  return rest;
}

const none = { sessionId: undefined, userId: undefined, agentName: undefined, error: undefined, dimensions: {} };

describe('extraction per dialect', () => {
  it('reads current GenAI semconv', () => {
    expect(fields(extractOne(d.GEN_AI_CURRENT))).toEqual({
      ...none,
      provider: 'openai',
      requestModel: 'gpt-4o',
      responseModel: 'gpt-4o-2024-08-06',
      operation: 'chat',
      inputTokens: 1200,
      cacheReadTokens: 1000,
      cacheWriteTokens: 100,
      outputTokens: 300,
      reasoningTokens: 120,
      sessionId: 'conv-1',
      userId: 'user-7',
      agentName: 'planner',
      serviceName: 'svc',
      dialect: 'gen_ai',
      role: 'call',
    });
  });

  it('reads @opentelemetry/instrumentation-openai 0.21.0 (gen_ai.system)', () => {
    expect(fields(extractOne(d.OTEL_CONTRIB_OPENAI))).toEqual({
      ...none,
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini-2024-07-18',
      operation: 'chat',
      inputTokens: 42,
      cacheReadTokens: undefined,
      cacheWriteTokens: undefined,
      outputTokens: 7,
      reasoningTokens: undefined,
      serviceName: 'svc',
      dialect: 'gen_ai',
      role: 'call',
      // 0.21 never reports cached tokens, and OpenAI caches long prompts on its own.
      cacheDetailMissing: '@opentelemetry/instrumentation-openai 0.21.0',
    });
  });

  it('reads legacy GenAI prompt/completion keys and maps az.ai.openai', () => {
    const call = extractOne(d.GEN_AI_LEGACY);
    expect([call?.provider, call?.requestModel, call?.inputTokens, call?.outputTokens, call?.operation]).toEqual([
      'azure.ai.openai',
      'gpt-35-turbo',
      512,
      64,
      undefined,
    ]);
  });

  it('adds cache to the cache-exclusive input of @traceloop/instrumentation-anthropic 0.27.0', () => {
    expect(fields(extractOne(d.OPENLLMETRY_ANTHROPIC))).toEqual({
      ...none,
      provider: 'anthropic',
      requestModel: 'claude-sonnet-4-5',
      responseModel: 'claude-sonnet-4-5-20250929',
      operation: 'chat',
      inputTokens: 50 + 200 + 3000,
      cacheReadTokens: 3000,
      cacheWriteTokens: 200,
      outputTokens: 400,
      reasoningTokens: undefined,
      sessionId: 'tl-session',
      userId: 'tl-user',
      serviceName: 'svc',
      dialect: 'openllmetry',
      role: 'call',
    });
  });

  it('reads @traceloop/instrumentation-openai 0.27.0', () => {
    const call = extractOne(d.OPENLLMETRY_OPENAI);
    expect([call?.provider, call?.inputTokens, call?.outputTokens, call?.dialect]).toEqual([
      'azure.ai.openai',
      900,
      90,
      'openllmetry',
    ]);
  });

  it('reads older OpenLLMetry (capitalized gen_ai.system, llm.request.type)', () => {
    const call = extractOne(d.OPENLLMETRY_LEGACY);
    expect([call?.provider, call?.operation, call?.requestModel, call?.inputTokens, call?.outputTokens, call?.dialect]).toEqual(
      ['openai', 'text_completion', 'gpt-3.5-turbo-instruct', 30, 12, 'openllmetry'],
    );
  });

  it('reads OpenInference openai 4.2.7 with cache and reasoning details', () => {
    expect(fields(extractOne(d.OPENINFERENCE_OPENAI))).toEqual({
      ...none,
      provider: 'openai',
      requestModel: 'o3-mini-2025-01-31',
      responseModel: undefined,
      operation: 'chat',
      inputTokens: 2048,
      cacheReadTokens: 1024,
      cacheWriteTokens: undefined,
      outputTokens: 700,
      reasoningTokens: 512,
      sessionId: 'oi-session',
      userId: 'oi-user',
      serviceName: 'svc',
      dialect: 'openinference',
      role: 'call',
    });
  });

  it('reads OpenInference EMBEDDING spans', () => {
    const call = extractOne(d.OPENINFERENCE_EMBEDDING);
    expect([call?.operation, call?.requestModel, call?.inputTokens, call?.outputTokens]).toEqual([
      'embeddings',
      'text-embedding-3-small',
      16,
      undefined,
    ]);
  });

  it('reads OpenInference langchain 4.1.1 LLM runs (no provider key)', () => {
    const call = extractOne(d.OPENINFERENCE_LANGCHAIN_LLM);
    expect([call?.provider, call?.requestModel, call?.inputTokens, call?.cacheReadTokens, call?.outputTokens]).toEqual([
      undefined,
      'claude-3-5-haiku-latest',
      1500,
      1200,
      80,
    ]);
  });

  it('reads the Vercel AI SDK doGenerate span, first key of each alias set', () => {
    expect(fields(extractOne(d.VERCEL_DO_GENERATE))).toEqual({
      ...none,
      provider: 'openai',
      requestModel: 'gpt-5-mini',
      responseModel: 'gpt-5-mini-2025-08-07',
      operation: 'chat',
      inputTokens: 3300,
      cacheReadTokens: 2048,
      cacheWriteTokens: undefined,
      outputTokens: 640,
      reasoningTokens: 256,
      sessionId: 'v-session',
      userId: 'v-user',
      serviceName: 'svc',
      dialect: 'vercel_ai',
      role: 'call',
    });
  });

  it('reads the Vercel AI SDK root span as a wrapper carrying usage', () => {
    const call = extractOne(d.VERCEL_ROOT);
    expect([call?.role, call?.provider, call?.requestModel, call?.operation, call?.inputTokens, call?.outputTokens]).toEqual([
      'wrapper',
      'openai',
      'gpt-5-mini',
      undefined,
      3300,
      640,
    ]);
  });

  it('reads Vercel doEmbed spans (ai.usage.tokens, google.vertex provider id)', () => {
    const call = extractOne(d.VERCEL_DO_EMBED);
    expect([call?.provider, call?.operation, call?.requestModel, call?.inputTokens]).toEqual([
      'gcp.vertex_ai',
      'embeddings',
      'text-embedding-005',
      9,
    ]);
  });

  it('re-assembles Langfuse usage_details into inclusive totals', () => {
    expect(fields(extractOne(d.LANGFUSE_GENERATION))).toEqual({
      ...none,
      provider: undefined,
      requestModel: 'gpt-4.1',
      responseModel: undefined,
      operation: 'chat',
      inputTokens: 1300,
      cacheReadTokens: 1000,
      cacheWriteTokens: undefined,
      outputTokens: 150,
      reasoningTokens: 0,
      sessionId: 'lf-session',
      userId: 'lf-user',
      serviceName: 'svc',
      dialect: 'langfuse',
      role: 'call',
    });
  });

  it('carries ids and times from the span', () => {
    const run = emitSpans({ name: 'root', children: [{ name: 'chat', ...d.GEN_AI_CURRENT }] });
    const input = run.input('chat');
    const call = new Extractor().extract(input);
    expect(call?.traceId).toBe(run.span('chat').spanContext().traceId);
    expect(call?.spanId).toBe(run.span('chat').spanContext().spanId);
    expect(call?.parentSpanId).toBe(run.span('root').spanContext().spanId);
    expect([call?.startTimeMs, call?.endTimeMs]).toEqual([1_700_000_000_000, 1_700_000_000_001]);
  });
});
