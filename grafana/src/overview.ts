// "LLM cost overview": what the LLM calls of the selected services cost, and why.
import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { L, M } from './names.js';
import { UNIT, barGauge, statPanel, timeSeries } from './panels.js';
import { selector, sumIncrease, sumRate } from './promql.js';
import { dashboardsLink, datasourceVariable, labelVariable } from './variables.js';

export const OVERVIEW_UID = 'otel-llm-cost-overview';

const PM = [L.provider, L.requestModel];
const PM_LEGEND = `{{${L.provider}}} / {{${L.requestModel}}}`;
const PER_HOUR = ' * 3600';
const errorMatcher = `${L.errorType}!=""`;
const unpricedMatcher = `${L.priced}="false"`;

export function overviewDashboard(): Dashboard {
  const cost = selector(M.cost);
  const requests = selector(M.requests);
  const tokens = (...extra: string[]) => selector(M.tokens, ...extra);
  const savings = selector(M.cacheSavings);
  const bucket = selector(`${M.requestCost}_bucket`);
  const inputTypes = `${L.tokenType}=~"input|cache_read|cache_write"`;

  return new DashboardBuilder('LLM cost overview')
    .uid(OVERVIEW_UID)
    .description('Cost, tokens and calls of LLM spans priced by otel-llm-cost.')
    .tags(['llm', 'cost', 'otel-llm-cost'])
    .time({ from: 'now-24h', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .readonly()
    .link(dashboardsLink())
    .withVariable(datasourceVariable())
    .withVariable(
      labelVariable('service', 'Service', `label_values(${M.requests}, ${L.service})`, 'service.name of the instrumented app.'),
    )
    .withVariable(
      labelVariable(
        'provider',
        'Provider',
        `label_values(${M.requests}{${L.service}=~"$service"}, ${L.provider})`,
        'gen_ai.provider.name (openai, anthropic, ...).',
      ),
    )
    .withVariable(
      labelVariable(
        'model',
        'Model',
        `label_values(${M.requests}{${L.service}=~"$service", ${L.provider}=~"$provider"}, ${L.requestModel})`,
        'gen_ai.request.model: the model the app asked for.',
      ),
    )
    .withRow(new RowBuilder('Spend').id(1))
    .withPanel(
      statPanel({
        id: 2,
        title: 'Spend',
        description: 'Total cost in USD of the LLM calls in the selected time range.',
        unit: UNIT.usd,
        decimals: 2,
        width: 4,
        height: 4,
        queries: [{ expr: sumIncrease(cost), instant: true, legend: 'spend' }],
      }),
    )
    .withPanel(
      statPanel({
        id: 3,
        title: 'Average spend per hour',
        description: 'Spend in the selected time range divided by its length in hours.',
        unit: UNIT.usd,
        decimals: 2,
        width: 4,
        height: 4,
        queries: [{ expr: `${sumIncrease(cost)} / ($__range_s / 3600)`, instant: true, legend: '$/h' }],
      }),
    )
    .withPanel(
      statPanel({
        id: 4,
        title: 'Calls',
        description: 'LLM calls counted in the selected time range (priced and unpriced, successful or not).',
        unit: UNIT.count,
        decimals: 0,
        width: 4,
        height: 4,
        queries: [{ expr: sumIncrease(requests), instant: true, legend: 'calls' }],
      }),
    )
    .withPanel(
      statPanel({
        id: 5,
        title: 'Error rate',
        description: 'Share of the calls in the selected time range that ended with an error (error.type set).',
        unit: UNIT.ratio,
        decimals: 1,
        width: 4,
        height: 4,
        thresholds: [
          [null, 'green'],
          [0.01, 'orange'],
          [0.05, 'red'],
        ],
        queries: [
          {
            expr: `(${sumIncrease(selector(M.requests, errorMatcher))} or vector(0)) / ${sumIncrease(requests)}`,
            instant: true,
            legend: 'errors',
          },
        ],
      }),
    )
    .withPanel(
      statPanel({
        id: 6,
        title: 'Unpriced calls',
        description:
          'Calls to models the price catalog does not know (llm.priced=false). Their cost is NOT in the spend: add the model to `prices.models` or an alias.',
        unit: UNIT.count,
        decimals: 0,
        width: 4,
        height: 4,
        thresholds: [
          [null, 'green'],
          [1, 'red'],
        ],
        queries: [{ expr: `${sumIncrease(selector(M.requests, unpricedMatcher))} or vector(0)`, instant: true, legend: 'unpriced' }],
      }),
    )
    .withPanel(
      statPanel({
        id: 7,
        title: 'Cache savings',
        description:
          'What the cache-read input tokens would have cost at the uncached input price, minus what they did cost, in the selected time range.',
        unit: UNIT.usd,
        decimals: 2,
        width: 4,
        height: 4,
        queries: [{ expr: sumIncrease(savings), instant: true, legend: 'saved' }],
      }),
    )
    .withPanel(
      timeSeries({
        id: 8,
        title: 'Spend rate by provider and model',
        description: 'USD per hour, by gen_ai.provider.name and gen_ai.request.model.',
        unit: UNIT.usdPerHour,
        width: 12,
        height: 8,
        stacked: true,
        queries: [{ expr: sumRate(cost, PM) + PER_HOUR, legend: PM_LEGEND }],
      }),
    )
    .withPanel(
      barGauge({
        id: 9,
        title: 'Spend by provider and model',
        description: 'Total USD per provider and model in the selected time range.',
        unit: UNIT.usd,
        decimals: 2,
        width: 12,
        height: 8,
        queries: [{ expr: sumIncrease(cost, PM), instant: true, legend: PM_LEGEND }],
      }),
    )
    .withPanel(
      timeSeries({
        id: 10,
        title: 'Spend rate by service',
        description: 'USD per hour, by service.name.',
        unit: UNIT.usdPerHour,
        width: 12,
        height: 8,
        stacked: true,
        queries: [{ expr: sumRate(cost, [L.service]) + PER_HOUR, legend: `{{${L.service}}}` }],
      }),
    )
    .withPanel(
      timeSeries({
        id: 11,
        title: 'Spend rate by agent',
        description:
          'USD per hour, by gen_ai.agent.name. Needs `dimensions: [\'gen_ai.agent.name\']` in the otel-llm-cost options; without it all calls fall in one series with an empty agent.',
        unit: UNIT.usdPerHour,
        width: 12,
        height: 8,
        stacked: true,
        queries: [{ expr: sumRate(cost, [L.agent]) + PER_HOUR, legend: `{{${L.agent}}}` }],
      }),
    )
    .withRow(new RowBuilder('Tokens').id(12))
    .withPanel(
      timeSeries({
        id: 13,
        title: 'Tokens by type',
        description:
          'Tokens per second by llm.token.type: input (uncached), cache_read, cache_write, output (non-reasoning) and reasoning. The stack is the billed total.',
        unit: UNIT.tokensPerSecond,
        width: 12,
        height: 8,
        stacked: true,
        queries: [{ expr: sumRate(tokens(), [L.tokenType]), legend: `{{${L.tokenType}}}` }],
      }),
    )
    .withPanel(
      barGauge({
        id: 14,
        title: 'Tokens by type in range',
        description: 'Tokens per llm.token.type in the selected time range.',
        unit: UNIT.tokens,
        decimals: 0,
        width: 6,
        height: 8,
        queries: [{ expr: sumIncrease(tokens(), [L.tokenType]), instant: true, legend: `{{${L.tokenType}}}` }],
      }),
    )
    .withPanel(
      timeSeries({
        id: 15,
        title: 'Cache read share of input',
        description: 'cache_read tokens divided by all input tokens (input + cache_read + cache_write), by provider and model.',
        unit: UNIT.ratio,
        min: 0,
        max: 1,
        width: 6,
        height: 8,
        queries: [
          {
            expr: `${sumRate(tokens(`${L.tokenType}="cache_read"`), PM)} / ${sumRate(tokens(inputTypes), PM)}`,
            legend: PM_LEGEND,
          },
        ],
      }),
    )
    .withRow(new RowBuilder('Calls').id(16))
    .withPanel(
      timeSeries({
        id: 17,
        title: 'Cost per call p50 / p95',
        description:
          'Median and 95th percentile of the cost of one call, from the llm.request.cost.usd histogram (buckets 1e-6 .. 10 USD; values are interpolated inside a bucket).',
        unit: UNIT.usd,
        width: 8,
        height: 8,
        queries: [
          { expr: `histogram_quantile(0.5, ${sumRate(bucket, ['le'])})`, legend: 'p50' },
          { expr: `histogram_quantile(0.95, ${sumRate(bucket, ['le'])})`, legend: 'p95' },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        id: 18,
        title: 'Calls by provider and model',
        description: 'LLM calls per second, by provider and model.',
        unit: UNIT.requestsPerSecond,
        width: 8,
        height: 8,
        stacked: true,
        queries: [{ expr: sumRate(requests, PM), legend: PM_LEGEND }],
      }),
    )
    .withPanel(
      timeSeries({
        id: 19,
        title: 'Error rate by provider',
        description: 'Share of calls that ended with an error (error.type set), by provider.',
        unit: UNIT.ratio,
        min: 0,
        width: 8,
        height: 8,
        queries: [
          {
            expr: `${sumRate(selector(M.requests, errorMatcher), [L.provider])} / ${sumRate(requests, [L.provider])}`,
            legend: `{{${L.provider}}}`,
          },
        ],
      }),
    )
    .withPanel(
      timeSeries({
        id: 20,
        title: 'Unpriced calls by model',
        description:
          'Calls per second to models without a price (llm.priced=false), by provider and model. Each line is spend the dashboard cannot see.',
        unit: UNIT.requestsPerSecond,
        width: 12,
        height: 8,
        queries: [{ expr: sumRate(selector(M.requests, unpricedMatcher), PM), legend: PM_LEGEND }],
      }),
    )
    .withPanel(
      timeSeries({
        id: 21,
        title: 'Cache savings rate by model',
        description:
          'USD per hour saved by cache reads (cache-read tokens at the input price minus their actual cost), by provider and model.',
        unit: UNIT.usdPerHour,
        width: 12,
        height: 8,
        stacked: true,
        queries: [{ expr: sumRate(savings, PM) + PER_HOUR, legend: PM_LEGEND }],
      }),
    )
    .withRow(new RowBuilder('Pipeline health').id(22))
    .withPanel(
      timeSeries({
        id: 23,
        title: 'Invalid span attributes',
        description:
          'Span attributes otel-llm-cost could not read (negative, NaN or non-numeric token counts, ...) per second, by reason. The field is treated as unknown.',
        unit: UNIT.perSecond,
        width: 8,
        height: 6,
        queries: [{ expr: `${sumRate(M.spansInvalid, [L.reason])} or vector(0)`, legend: `{{${L.reason}}}` }],
      }),
    )
    .withPanel(
      timeSeries({
        id: 24,
        title: 'Dropped spans',
        description: 'Spans otel-llm-cost dropped (internal error, full queue, ...) per second, by reason.',
        unit: UNIT.perSecond,
        width: 8,
        height: 6,
        queries: [{ expr: `${sumRate(M.spansDropped, [L.reason])} or vector(0)`, legend: `{{${L.reason}}}` }],
      }),
    )
    .withPanel(
      timeSeries({
        id: 25,
        title: 'Calls in the overflow series',
        description:
          'Calls per second recorded in the otel.metric.overflow=true series because an instrument hit its cardinality limit. Their labels are lost: raise the limit or drop a dimension.',
        unit: UNIT.requestsPerSecond,
        width: 8,
        height: 6,
        queries: [{ expr: `${sumRate(`${M.requests}{${L.overflow}="true"}`)} or vector(0)`, legend: 'overflow' }],
      }),
    )
    .withPanel(
      timeSeries({
        id: 26,
        title: 'Calls priced without cache detail',
        description:
          'Calls per second whose instrumentation omits cache counts for a provider that caches on its own (e.g. @opentelemetry/instrumentation-openai 0.21/0.22 with OpenAI): cached prompts are charged at the full input rate, so their cost is an upper bound. By instrumentation and provider.',
        unit: UNIT.requestsPerSecond,
        width: 24,
        height: 6,
        queries: [{ expr: `${sumRate(selector(M.withoutCacheDetail), [L.instrumentation, L.provider])} or vector(0)`, legend: `{{${L.instrumentation}}} {{${L.provider}}}` }],
      }),
    )
    .build();
}
