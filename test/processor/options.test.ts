import { describe, expect, it } from 'vitest';
import { LlmCostSpanProcessor } from '../../src/index.js';
import { validateOptions } from '../../src/options-validate.js';
import { configError as errorOf } from '../helpers/config-error.js';

describe('options are checked at start', () => {
  it('names the field and the fix', () => {
    const e = errorOf(() => new LlmCostSpanProcessor({ cardinalityLimit: -1 }));
    expect(e.field).toBe('cardinalityLimit');
    expect(e.message).toContain('`cardinalityLimit`');
    expect(e.message).toContain('Fix:');
  });

  it('refuses ids as metric dimensions', () => {
    const e = errorOf(() => validateOptions({ dimensions: ['team', 'session.id'] }));
    expect(e.field).toBe('dimensions[1]');
    expect(e.message).toMatch(/unbounded/);
  });

  it('refuses unknown options and bad timezones', () => {
    expect(errorOf(() => validateOptions({ budget: [] })).field).toBe('budget');
    expect(errorOf(() => validateOptions({ timezone: 'Mars/Olympus' })).field).toBe('timezone');
  });

  it('accepts snake_case keys as written in YAML', () => {
    expect(validateOptions({ cardinality_limit: 10, flush_interval_ms: 500, gen_ai_metrics: true })).toEqual({
      cardinalityLimit: 10,
      flushIntervalMs: 500,
      genAiMetrics: true,
    });
  });
});

describe('analytics: false (metrics only)', () => {
  it('still records the cost metrics, and says clearly that analytics are off', async () => {
    const { createHarness, GPT_4O_CHAT } = await import('../helpers/harness.js');
    const h = createHarness({ analytics: false });
    h.emit('chat', GPT_4O_CHAT);
    expect(await h.value('llm_requests_total')).toBe(1);
    expect(await h.value('llm_cost_usd_total')).toBeCloseTo(0.0035, 12);
    expect(() => h.processor.analytics).toThrow(/analytics: false/);
    expect(() => h.processor.budgets.check({})).toThrow(/analytics are off/);
    await h.close();
  });

  it('refuses budgets without the analytics engine', () => {
    expect(errorOf(() => validateOptions({ analytics: false, budgets: [{ name: 'm', limitUsd: 1, period: 'month' }] })).field).toBe('budgets');
  });
});
