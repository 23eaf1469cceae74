import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetEvent } from '../../src/index.js';
import { createHarness, GPT_4O_CHAT } from '../helpers/harness.js';
import type { Harness } from '../helpers/harness.js';

let h: Harness;
afterEach(async () => h?.close());

const chat = GPT_4O_CHAT;

describe('budgets through the span processor', () => {
  it('fires each level once, exports the gauges and blocks when exhausted', async () => {
    // Spans carry real timestamps, so the budget clock is the real time, frozen.
    const now = Date.now();
    const today = new Date(now);
    const events: BudgetEvent[] = [];
    h = createHarness({
      clock: () => now,
      budgets: [
        { name: 'openai-daily', limitUsd: 0.01, period: 'day', warnAt: [0.5], match: { 'gen_ai.provider.name': 'openai' }, action: 'block' },
        { name: 'anthropic-daily', limitUsd: 5, period: 'day', match: { 'gen_ai.provider.name': 'anthropic' } },
      ],
      onBudgetEvent: (e) => events.push(e),
    });
    const one = calcPrice({ input_tokens: 1000, output_tokens: 100 }, 'gpt-4o', { providerId: 'openai' })!.total_price;
    expect(one).toBeCloseTo(0.0035, 12);

    // Present before any call, so Prometheus sees the first increment.
    expect(await h.value('llm_budget_limit_usd', { llm_budget_name: 'openai-daily', llm_budget_period: 'day' })).toBe(0.01);
    expect(await h.value('llm_budget_alerts_total', { llm_budget_name: 'openai-daily', llm_budget_level: 'warning' })).toBe(0);

    // Threshold events fire after the state is stored: at the next flush (flushIntervalMs).
    h.emit('chat', chat); // 0.0035: 35%
    await h.processor.forceFlush();
    expect(events.filter((e) => e.level !== 'forecast')).toEqual([]);
    h.emit('chat', chat); // 0.0070: 70% -> warning
    await h.processor.forceFlush();
    expect(events.filter((e) => e.level !== 'forecast').map((e) => e.level)).toEqual(['warning']);
    expect(h.processor.budgets.check({ 'gen_ai.provider.name': 'openai' }).allowed).toBe(true);
    h.emit('chat', chat); // 0.0105: exceeded
    await h.processor.forceFlush();
    h.emit('chat', chat); // no repeat
    await h.processor.forceFlush();
    expect(events.filter((e) => e.level === 'exceeded')).toHaveLength(1);

    const verdict = h.processor.budgets.check({ 'gen_ai.provider.name': 'openai' });
    expect(verdict.allowed).toBe(false);
    expect(verdict.reason).toMatch(/openai-daily/);
    expect(h.processor.budgets.check({ 'gen_ai.provider.name': 'anthropic' }).allowed).toBe(true);

    expect(await h.value('llm_budget_spent_usd', { llm_budget_name: 'openai-daily' })).toBeCloseTo(4 * one, 12);
    expect(await h.value('llm_budget_spent_usd', { llm_budget_name: 'anthropic-daily' })).toBe(0);
    expect(await h.value('llm_budget_alerts_total', { llm_budget_name: 'openai-daily', llm_budget_level: 'exceeded' })).toBe(1);
    expect(await h.value('llm_budget_period_end_timestamp_seconds', { llm_budget_name: 'openai-daily' })).toBe(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1) / 1000);
  });
});
