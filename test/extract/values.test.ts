import { describe, expect, it } from 'vitest';
import type { Attributes } from '@opentelemetry/api';
import { Extractor } from '../../src/extract/index.js';
import type { LlmCall } from '../../src/types.js';
import type { ScopeSpec } from '../fixtures/spans.js';
import { emitSpans } from '../fixtures/spans.js';

function extract(attributes: Attributes, scope?: ScopeSpec) {
  const invalid: string[] = [];
  const run = emitSpans({ name: 'span', attributes, scope });
  const call: LlmCall | undefined = new Extractor({ onInvalidValue: (k) => invalid.push(k) }).extract(run.input('span'));
  return { call, invalid };
}

const base = { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' };

describe('aliases', () => {
  it('counts the same number under two keys once', () => {
    const { call } = extract({ ...base, 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.prompt_tokens': 100 });
    expect(call?.inputTokens).toBe(100);
  });

  it('takes the first key of the precedence order when aliases disagree', () => {
    const { call } = extract({
      ...base,
      'ai.usage.outputTokens': 999,
      'llm.token_count.completion': 77,
      'gen_ai.usage.completion_tokens': 55,
      'ai.usage.reasoningTokens': 3,
      'gen_ai.usage.reasoning_tokens': 5,
    });
    expect([call?.outputTokens, call?.reasoningTokens]).toEqual([55, 5]);
  });

  it('prefers gen_ai.provider.name over gen_ai.system and llm.provider', () => {
    const { call } = extract({ 'gen_ai.provider.name': 'aws.bedrock', 'gen_ai.system': 'anthropic', 'llm.provider': 'x', 'gen_ai.request.model': 'claude-sonnet-4-5' });
    expect(call?.provider).toBe('aws.bedrock');
  });

  it('accepts numeric strings', () => {
    const { call, invalid } = extract({ ...base, 'gen_ai.usage.input_tokens': '1234', 'gen_ai.usage.output_tokens': ' 56 ' });
    expect([call?.inputTokens, call?.outputTokens, invalid]).toEqual([1234, 56, []]);
  });
});

describe('garbage values', () => {
  const garbage: Array<[string, Attributes[string]]> = [
    ['negative', -5],
    ['NaN', Number.NaN],
    ['1e300', 1e300],
    ['a word', 'abc'],
    ['an array', [1, 2]],
    ['a fraction', 1.5],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a negative string', '-3'],
    ['an empty string', ''],
  ];

  it.each(garbage)('%s makes the field unknown and is reported once', (_label, value) => {
    const { call, invalid } = extract({
      ...base,
      'gen_ai.usage.input_tokens': value,
      'gen_ai.usage.prompt_tokens': 40,
      'gen_ai.usage.output_tokens': 9,
    });
    // The first present key wins even when it is garbage: no fallback to the alias.
    expect(call?.inputTokens).toBeUndefined();
    expect(call?.outputTokens).toBe(9);
    expect(invalid).toEqual(['gen_ai.usage.input_tokens']);
  });

  it('reports a garbage label and keeps the call', () => {
    const { call, invalid } = extract({ ...base, 'gen_ai.response.model': ['a', 'b'], 'gen_ai.usage.input_tokens': 3 });
    expect([call?.responseModel, call?.requestModel, call?.inputTokens, invalid]).toEqual([
      undefined,
      'gpt-4o',
      3,
      ['gen_ai.response.model'],
    ]);
  });

  it('reports unparseable Langfuse usage_details', () => {
    const { call, invalid } = extract({
      'langfuse.observation.type': 'generation',
      'langfuse.observation.model.name': 'gpt-4.1',
      'langfuse.observation.usage_details': '{not json',
    });
    expect([call?.inputTokens, call?.outputTokens, invalid]).toEqual([
      undefined,
      undefined,
      ['langfuse.observation.usage_details'],
    ]);
  });

  it('keeps a throwing onInvalidValue from losing the call', () => {
    const run = emitSpans({ name: 'span', attributes: { ...base, 'gen_ai.usage.input_tokens': -1 } });
    const extractor = new Extractor({
      onInvalidValue: () => {
        throw new Error('boom');
      },
    });
    expect(extractor.extract(run.input('span'))?.requestModel).toBe('gpt-4o');
  });
});

describe('cache and reasoning normalization', () => {
  it('infers cache-exclusive input for an unknown emitter when input < cache read + write', () => {
    const { call } = extract({
      ...base,
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.cache_read_input_tokens': 500,
      'gen_ai.usage.cache_creation_input_tokens': 40,
    });
    expect([call?.inputTokens, call?.cacheReadTokens, call?.cacheWriteTokens]).toEqual([640, 500, 40]);
  });

  it('keeps input as-is for an unknown emitter when input >= cache', () => {
    const { call } = extract({ ...base, 'gen_ai.usage.input_tokens': 700, 'gen_ai.usage.cache_read.input_tokens': 500 });
    expect(call?.inputTokens).toBe(700);
  });

  it('always adds cache for a known cache-exclusive emitter, even when input >= cache', () => {
    const { call } = extract(
      { ...base, 'gen_ai.usage.input_tokens': 5000, 'gen_ai.usage.cache_read.input_tokens': 1000 },
      { name: '@traceloop/instrumentation-anthropic', version: '0.27.0' },
    );
    expect(call?.inputTokens).toBe(6000);
  });

  it('never adds cache for a known cache-inclusive emitter', () => {
    const { call } = extract(
      { ...base, 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.cache_read.input_tokens': 500 },
      { name: '@opentelemetry/instrumentation-openai', version: '0.21.0' },
    );
    expect(call?.inputTokens).toBe(100);
  });

  it('adds reasoning to an output that clearly excludes it', () => {
    const { call } = extract({ ...base, 'gen_ai.usage.output_tokens': 10, 'gen_ai.usage.reasoning.output_tokens': 50 });
    expect([call?.outputTokens, call?.reasoningTokens]).toEqual([60, 50]);
  });

  it('leaves input unknown when only cache counts are present', () => {
    const { call } = extract({ ...base, 'gen_ai.usage.cache_read.input_tokens': 500 });
    expect([call?.inputTokens, call?.cacheReadTokens]).toEqual([undefined, 500]);
  });

  it('treats a sum past the safe-integer range as garbage', () => {
    const { call, invalid } = extract({
      ...base,
      'gen_ai.usage.input_tokens': 1,
      'gen_ai.usage.cache_read.input_tokens': Number.MAX_SAFE_INTEGER,
    });
    expect([call?.inputTokens, call?.cacheReadTokens, invalid]).toEqual([
      undefined,
      Number.MAX_SAFE_INTEGER,
      ['gen_ai.usage.input_tokens'],
    ]);
  });
});

describe('span-level fields', () => {
  it('maps status ERROR without error.type to _OTHER', () => {
    const run = emitSpans({ name: 'span', attributes: base, error: 'upstream 500' });
    expect(new Extractor().extract(run.input('span'))?.error).toBe('_OTHER');
  });

  it('uses the error.type attribute when present', () => {
    const run = emitSpans({ name: 'span', attributes: { ...base, 'error.type': 'RateLimitError' }, error: true });
    expect(new Extractor().extract(run.input('span'))?.error).toBe('RateLimitError');
  });

  it('falls back to the default service name when the resource has none', () => {
    const input = { ...emitSpans({ name: 'span', attributes: base }).input('span'), resourceAttributes: {} };
    expect(new Extractor().extract(input)?.serviceName).toBe('unknown_service');
    expect(new Extractor({ defaultServiceName: 'fallback' }).extract(input)?.serviceName).toBe('fallback');
  });

  it('reads dimensions from the span, else the resource, stringified', () => {
    const run = emitSpans(
      { name: 'span', attributes: { ...base, team: 'search', tier: 2, 'deployment.environment': 'canary' } },
      { resource: { 'deployment.environment': 'prod', region: 'eu-west-1', tags: ['a', 'b'] } },
    );
    const extractor = new Extractor({ dimensions: ['team', 'tier', 'deployment.environment', 'region', 'tags', 'absent'] });
    expect(extractor.extract(run.input('span'))?.dimensions).toEqual({
      team: 'search',
      tier: '2',
      'deployment.environment': 'canary',
      region: 'eu-west-1',
      tags: 'a,b',
    });
  });
});

describe('Vercel AI SDK emitter rules (tracer "ai" has no version)', () => {
  const vercel = { name: 'ai' };
  const step = (provider: string, usage: Attributes) =>
    extract({ 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.provider': provider, 'ai.model.id': 'm', ...usage }, vercel).call;

  it('adds cache reads to ai 5.x Anthropic/Bedrock input, which excludes them', () => {
    const usage = { 'ai.usage.inputTokens': 5000, 'ai.usage.cachedInputTokens': 3000, 'ai.usage.outputTokens': 10 };
    expect(step('anthropic.messages', usage)?.inputTokens).toBe(8000);
    expect(step('amazon-bedrock', usage)?.inputTokens).toBe(8000);
    expect(step('google.vertex.anthropic.messages', usage)?.inputTokens).toBe(8000);
    expect(step('openai.chat', usage)?.inputTokens).toBe(5000);
  });

  it('adds reasoning to ai 5.x Google output (candidates without thoughts)', () => {
    const call = step('google.generative-ai', {
      'ai.usage.inputTokens': 900,
      'ai.usage.cachedInputTokens': 600,
      'ai.usage.outputTokens': 500,
      'ai.usage.reasoningTokens': 300,
    });
    expect([call?.inputTokens, call?.outputTokens, call?.reasoningTokens]).toEqual([900, 800, 300]);
  });

  it('keeps ai 6.x totals as they are (inclusive, told apart by the *TokenDetails keys)', () => {
    const call = step('anthropic.messages', {
      'ai.usage.inputTokens': 3250,
      'ai.usage.inputTokenDetails.noCacheTokens': 50,
      'ai.usage.inputTokenDetails.cacheReadTokens': 3000,
      'ai.usage.inputTokenDetails.cacheWriteTokens': 200,
      'ai.usage.outputTokens': 400,
      'ai.usage.outputTokenDetails.textTokens': 100,
      'ai.usage.outputTokenDetails.reasoningTokens': 300,
    });
    expect([call?.inputTokens, call?.cacheReadTokens, call?.cacheWriteTokens, call?.outputTokens, call?.reasoningTokens]).toEqual([
      3250, 3000, 200, 400, 300,
    ]);
  });
});

describe('OpenInference emitter rules', () => {
  const usage = {
    'openinference.span.kind': 'LLM',
    'llm.model_name': 'anthropic.claude-3-5-sonnet-20241022-v2:0',
    'llm.token_count.prompt': 4000,
    'llm.token_count.completion': 20,
    'llm.token_count.prompt_details.cache_read': 2500,
    'llm.token_count.prompt_details.cache_write': 300,
  };

  it('adds cache to the cache-exclusive prompt count of openinference-instrumentation-bedrock 0.5.1', () => {
    const { call } = extract(usage, { name: '@arizeai/openinference-instrumentation-bedrock', version: '0.5.1' });
    expect(call?.inputTokens).toBe(6800);
  });

  it('keeps the prompt count of openinference-instrumentation-anthropic 0.2.8, which already sums cache', () => {
    const { call } = extract({ ...usage, 'llm.token_count.prompt': 2900 }, { name: '@arizeai/openinference-instrumentation-anthropic', version: '0.2.8' });
    expect(call?.inputTokens).toBe(2900);
  });
});
