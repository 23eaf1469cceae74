import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';

let h: Harness;
afterEach(async () => h?.close());

const tokenKeys = [
  'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens',
  'gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_creation_input_tokens', 'gen_ai.usage.reasoning.output_tokens',
  'llm.token_count.prompt', 'llm.token_count.completion', 'ai.usage.promptTokens', 'ai.usage.completionTokens',
];
const garbage = fc.oneof(
  fc.integer({ min: -1_000_000, max: 10_000_000 }),
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, 1e300, -0, 1.5),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('abc', '12', '1e3', '', ' 7 ', '-5'),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const attrSet = fc.record(
  {
    'gen_ai.operation.name': fc.constantFrom('chat', 'embeddings', 'invoke_agent', 'execute_tool', 'text_completion', 'x'),
    'gen_ai.provider.name': fc.constantFrom('openai', 'anthropic', 'gcp.gemini', 'aws.bedrock', 'nope', ''),
    'gen_ai.request.model': fc.constantFrom('gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'o3-mini', 'unknown-model-x', ''),
    'openinference.span.kind': fc.constantFrom('LLM', 'CHAIN', 'AGENT', 'EMBEDDING', 'TOOL'),
    'ai.operationId': fc.constantFrom('ai.generateText', 'ai.generateText.doGenerate', 'ai.streamText.doStream'),
    ...Object.fromEntries(tokenKeys.map((k) => [k, garbage])),
  },
  { requiredKeys: [] },
);

describe('bad input never throws and never becomes NaN', () => {
  it('10,000 random attribute sets through the real SDK', async () => {
    h = createHarness();
    fc.assert(
      fc.property(attrSet, (attrs) => {
        const parent = h.start('parent', attrs as Record<string, never>);
        h.emit('child', attrs as Record<string, never>, parent);
        parent.end();
      }),
      { numRuns: 10_000, seed: 42 },
    );
    const text = await h.exposition();
    const samples = text.split('\n').filter((l) => l.startsWith('llm_'));
    expect(samples.length).toBeGreaterThan(0);
    for (const line of samples) {
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      expect(Number.isFinite(value), line).toBe(true);
      expect(value, line).toBeGreaterThanOrEqual(0);
    }
    expect(await h.value('llm_requests_total')).toBe(h.processor.pipeline.stats.counted);
    expect(h.processor.pipeline.stats.invalidValues).toBeGreaterThan(0);
    expect(await h.value('llm_cost_spans_invalid_total', { reason: 'invalid_value' })).toBe(h.processor.pipeline.stats.invalidValues);
  });

  it('a span object the SDK would never produce does not reach the host as an exception', () => {
    h = createHarness();
    const weird = { attributes: { 'gen_ai.operation.name': 'chat' }, spanContext: () => { throw new Error('boom'); } };
    expect(() => h.processor.onEnd(weird as never)).not.toThrow();
    expect(() => h.processor.onEnd({} as never)).not.toThrow();
    expect(() => h.processor.onEnd(null as never)).not.toThrow();
  });

  it('ignores spans after shutdown and shuts down twice without error', async () => {
    h = createHarness();
    await h.processor.shutdown();
    await h.processor.shutdown();
    h.emit('chat', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 1, 'gen_ai.usage.output_tokens': 1 });
    expect(h.processor.pipeline.stats.spans).toBe(0);
  });
});
