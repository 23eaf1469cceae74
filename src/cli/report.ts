// `otel-llm-cost report [--store PATH] [--days 7] [--timezone TZ]`: opens the store read-only
// and prints the usage page's figures, with a daily bar chart.
import { createNoopMeter } from '@opentelemetry/api';
import { CostAnalytics } from '../analytics/engine.js';
import { QueryError } from '../analytics/query-api.js';
import { StoreError } from '../store/store-error.js';
import { isValidTimezone } from '../analytics/timezone.js';
import { SERVE_DEFAULT_STORE as DEFAULT_STORE } from './defaults.js';
import { reportText } from './report-text.js';

const USAGE = `usage: otel-llm-cost report [--store PATH] [--days N] [--timezone IANA]

  --store PATH      the store a collector or app writes (default ${DEFAULT_STORE}, as serve)
  --days N          days covered, ending today (default 7)
  --timezone IANA   timezone of the daily chart (default: the store's)
`;

export async function runReport(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  let store = DEFAULT_STORE;
  let days = 7;
  let timezone: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=') ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '--store') store = value() ?? '';
    else if (flag === '--days') {
      const v = value();
      days = Number(v);
      if (v === undefined || !Number.isInteger(days) || days < 1 || days > 3660) {
        out.write(`otel-llm-cost report: --days must be an integer from 1 to 3660, got ${JSON.stringify(v)}\n${USAGE}`);
        return 2;
      }
    } else if (flag === '--timezone') {
      timezone = value() ?? '';
      if (!isValidTimezone(timezone)) {
        out.write(`otel-llm-cost report: unknown timezone ${JSON.stringify(timezone)}\n${USAGE}`);
        return 2;
      }
    } else if (flag === '--help' || flag === '-h') {
      out.write(USAGE);
      return 0;
    } else {
      out.write(`otel-llm-cost report: unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
      return 2;
    }
  }
  if (store === '' || store === ':memory:') {
    out.write(`otel-llm-cost report: --store must be the path of an existing store file\n${USAGE}`);
    return 2;
  }
  let engine: CostAnalytics;
  try {
    engine = CostAnalytics.open({ store, clock: Date.now, budgets: [], timezone: timezone ?? 'UTC', flushIntervalMs: 0, meter: createNoopMeter(), readOnly: true });
  } catch (err) {
    out.write(`${err instanceof Error ? err.message : String(err)}\n`);
    // 2: the store cannot be used as is (as serve); 1: anything unexpected.
    return err instanceof StoreError ? 2 : 1;
  }
  try {
    out.write(reportText(engine.analytics, { days, timezone: timezone ?? engine.timezone, nowMs: Date.now() }));
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    out.write(`otel-llm-cost report: ${err.message}\n`);
    return 2;
  } finally {
    await engine.close();
  }
  return 0;
}
