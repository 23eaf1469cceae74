import { describe, expect, it } from 'vitest';
import { validateBudgets } from '../../src/analytics/budget-config.js';
import { ConfigError } from '../../src/config-error.js';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('validateBudgets', () => {
  it('accepts snake_case and fills defaults', () => {
    expect(validateBudgets([{ name: 'm', limit_usd: 500, period: 'month', warn_at: [0.9, 0.5] }], 'budgets', 'Europe/Paris')).toEqual([
      { name: 'm', limitUsd: 500, period: 'month', timezone: 'Europe/Paris', warnAt: [0.5, 0.9], action: 'alert' },
    ]);
  });

  it('keeps match and action', () => {
    const [b] = validateBudgets([{ name: 'oa', limitUsd: 5, period: '24h', match: { 'gen_ai.provider.name': 'openai' }, action: 'block' }]);
    expect(b?.match).toEqual({ 'gen_ai.provider.name': 'openai' });
    expect(b?.action).toBe('block');
  });

  it.each([
    [[{ name: 'a', limitUsd: -1, period: 'day' }], 'budgets[0].limitUsd'],
    [[{ name: 'a', limitUsd: 1, period: 'year' }], 'budgets[0].period'],
    [[{ name: 'a', limitUsd: 1, period: 'day', timezone: 'Mars/Base' }], 'budgets[0].timezone'],
    [[{ name: 'a', limitUsd: 1, period: 'day', warnAt: [1.5] }], 'budgets[0].warnAt'],
    [[{ name: 'a', limitUsd: 1, period: 'day', action: 'stop' }], 'budgets[0].action'],
    [[{ name: 'a', limitUsd: 1, period: 'day', match: { x: 1 } }], 'budgets[0].match'],
    [[{ name: 'a', limitUsd: 1, period: 'day', limt: 2 }], 'budgets[0].limt'],
    [[{ name: 'a', limitUsd: 1, period: 'day' }, { name: 'a', limitUsd: 2, period: 'day' }], 'budgets[1].name'],
    [{ name: 'a' }, 'budgets'],
  ])('rejects %j at %s', (raw, field) => {
    const err = errorOf(() => validateBudgets(raw));
    expect(err.field).toBe(field);
    expect(err.message).toContain(`\`${field}\``);
    expect(err.fix.length).toBeGreaterThan(0);
  });
});
