import { describe, expect, it } from 'vitest';
import { scoreForecasts, syntheticWorkload } from '../helpers/forecast-eval.js';
import { projectPeriodEnd } from '../../src/analytics/forecast.js';

const JAN_1_2026 = Date.UTC(2026, 0, 1) / 86_400_000;

describe('forecast methods on a 60-day synthetic workload', () => {
  it('holt-winters beats the simple moving average on month-end MAPE (taken daily)', () => {
    const values = syntheticWorkload(JAN_1_2026, 60, 42, 35);
    const scores = scoreForecasts(JAN_1_2026, values);
    const sma = scores.find((s) => s.method === 'sma7')!;
    const hw = scores.find((s) => s.method === 'holt-winters')!;
    // Printed for the report: MAPE (%) of each method.
    process.stdout.write(`forecast MAPE over ${hw.points} daily projections: sma7 ${sma.mapePercent.toFixed(2)}%, holt-winters ${hw.mapePercent.toFixed(2)}%\n`);
    expect(hw.points).toBe(52);
    expect(sma.mapePercent).toBeCloseTo(8.2429, 3);
    expect(hw.mapePercent).toBeCloseTo(6.9206, 3);
    expect(hw.mapePercent).toBeLessThan(sma.mapePercent);
  });

  it('wins on average over 20 seeds', () => {
    let sma = 0;
    let hw = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const [a, b] = scoreForecasts(JAN_1_2026, syntheticWorkload(JAN_1_2026, 60, seed, 35));
      sma += a!.mapePercent;
      hw += b!.mapePercent;
    }
    expect(hw / 20).toBeLessThan(sma / 20 - 0.5);
  });
});

describe('projectPeriodEnd', () => {
  const history = { firstDay: JAN_1_2026, values: [10, 10, 10, 10, 10, 10, 10] };

  it('sma7 = spent + rate x the rest of today + rate x remaining days (real period length)', () => {
    // Feb 2026 has 28 days; at noon on Feb 10 with $95 spent, 18 full days remain after today.
    const feb10 = Date.UTC(2026, 1, 10) / 86_400_000;
    const p = projectPeriodEnd({ method: 'sma7', history: { firstDay: feb10 - 7, values: history.values }, today: feb10, todaySpent: 5, todayElapsed: 0.5, spentToDate: 95, endDay: Date.UTC(2026, 2, 1) / 86_400_000 });
    expect(p).toBe(95 + 10 * 0.5 + 18 * 10);
  });

  it('without history extrapolates today, never divides by zero', () => {
    expect(projectPeriodEnd({ method: 'holt-winters', history: { firstDay: JAN_1_2026, values: [] }, today: JAN_1_2026, todaySpent: 3, todayElapsed: 0.25, spentToDate: 3, endDay: JAN_1_2026 + 2 })).toBe(3 + 12 * 0.75 + 12);
    expect(projectPeriodEnd({ method: 'holt-winters', history: { firstDay: JAN_1_2026, values: [] }, today: JAN_1_2026, todaySpent: 0, todayElapsed: 0, spentToDate: 0, endDay: JAN_1_2026 + 2 })).toBe(0);
  });
});
