import { parseArgs } from 'node:util';
import { readYamlConfig } from '../collector/config-sources.js';
import { ConfigError } from '../config-error.js';
import { argsErrorMessage } from './args.js';
import { normalizeServiceTier } from '../extract/service-tier.js';
import { PriceBook, validatePrices } from '../pricing/index.js';
import type { PriceExplanation, PricesOptions } from '../pricing/index.js';
import { correctionStatuses } from '../pricing/corrected-catalog.js';
import type { LlmCall, ServiceTier } from '../types.js';

const USAGE = `Usage: otel-llm-cost price MODEL --input N --output M [options]
       otel-llm-cost price --corrections [--config FILE]

Prices one call from the @pydantic/genai-prices catalog and explains the price: the catalog
entry, the correction, the service tier and the override used, and the arithmetic per token type.

  --input N         all input tokens, cache reads and writes included (required)
  --output M        all output tokens, reasoning included (required)
  --cache-read N    input tokens read from the prompt cache (default 0)
  --cache-write N   input tokens written to the prompt cache (default 0)
  --reasoning N     output tokens spent on reasoning (default 0)
  --provider P      OpenTelemetry provider name (openai, gcp.vertex_ai, aws.bedrock, x_ai, ...)
                    or catalog id; default: found from the model id
  --tier T          service tier: flex, priority, scale or batch (default: standard)
  --at DATE         price in force at this ISO date/time (default: now)
  --config FILE     a serve config file: its prices (overrides, tiers, corrections, catalog file) apply
  --corrections     list the dated corrections over the catalog and whether each applies
  -h, --help        show this help`;

const PRICE_OPTIONS = {
  input: { type: 'string' },
  output: { type: 'string' },
  'cache-read': { type: 'string' },
  'cache-write': { type: 'string' },
  reasoning: { type: 'string' },
  provider: { type: 'string' },
  at: { type: 'string' },
  tier: { type: 'string' },
  config: { type: 'string' },
  corrections: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

function tokenCount(value: string | undefined, flag: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`${flag} is required`);
    return fallback;
  }
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${flag} must be a whole number of tokens, got "${value}"`);
  }
  return Number(value);
}

/** About 12 significant digits, never in exponent notation. */
function usd(amount: number): string {
  if (amount === 0) return '0';
  const decimals = Math.min(20, Math.max(2, 11 - Math.floor(Math.log10(Math.abs(amount)))));
  return amount.toFixed(decimals);
}

interface Parsed {
  kind: 'price';
  prices: PricesOptions;
  tier: ServiceTier | undefined;
  model: string;
  provider: string | undefined;
  atMs: number;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

function pricesFrom(configFile: string | undefined): PricesOptions {
  if (configFile === undefined) return {};
  return validatePrices(readYamlConfig(configFile).prices, 'prices');
}

function parse(argv: string[]): Parsed | 'help' | { kind: 'corrections'; prices: PricesOptions } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: PRICE_OPTIONS,
    });
  } catch (error) {
    throw new UsageError(argsErrorMessage(error, PRICE_OPTIONS));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  const prices = pricesFrom(values.config);
  if (values.corrections === true) {
    if (positionals.length > 0) throw new UsageError('--corrections takes no MODEL');
    return { kind: 'corrections', prices };
  }
  const tier = values.tier === undefined ? undefined : normalizeServiceTier(values.tier);
  if (values.tier !== undefined && tier === undefined && !/^(standard|default|auto)$/i.test(values.tier.trim())) {
    throw new UsageError(`--tier must be flex, priority, scale, batch or standard, got "${values.tier}"`);
  }
  if (positionals.length !== 1 || (positionals[0] as string).trim() === '') {
    throw new UsageError(positionals.length === 0 ? 'MODEL is required' : `expected one MODEL, got ${positionals.length}`);
  }
  const atMs = values.at === undefined ? Date.now() : Date.parse(values.at);
  if (Number.isNaN(atMs)) throw new UsageError(`--at must be an ISO date such as 2025-06-01 or 2025-06-01T14:30:00Z, got "${values.at}"`);
  const result: Parsed = {
    kind: 'price',
    prices,
    tier,
    model: (positionals[0] as string).trim(),
    provider: values.provider,
    atMs,
    input: tokenCount(values.input, '--input'),
    output: tokenCount(values.output, '--output'),
    cacheRead: tokenCount(values['cache-read'], '--cache-read', 0),
    cacheWrite: tokenCount(values['cache-write'], '--cache-write', 0),
    reasoning: tokenCount(values.reasoning, '--reasoning', 0),
  };
  if (result.cacheRead + result.cacheWrite > result.input) {
    throw new UsageError('--cache-read plus --cache-write cannot exceed --input (input counts all input tokens, cache included)');
  }
  if (result.reasoning > result.output) {
    throw new UsageError('--reasoning cannot exceed --output (output counts all output tokens, reasoning included)');
  }
  return result;
}

function callOf(p: Parsed): LlmCall {
  return {
    traceId: '',
    spanId: '',
    parentSpanId: undefined,
    startTimeMs: p.atMs,
    endTimeMs: p.atMs,
    provider: p.provider,
    requestModel: p.model,
    responseModel: undefined,
    operation: undefined,
    inputTokens: p.input,
    cacheReadTokens: p.cacheRead,
    cacheWriteTokens: p.cacheWrite,
    outputTokens: p.output,
    reasoningTokens: p.reasoning,
    sessionId: undefined,
    userId: undefined,
    agentName: undefined,
    serviceName: 'otel-llm-cost-cli',
    error: undefined,
    dialect: 'gen_ai',
    role: 'call',
    dimensions: {},
    serviceTier: p.tier,
    spanCostUsd: undefined,
  };
}

/** Per 1M tokens, as price lists write it. */
function perMTok(perToken: number): string {
  const v = perToken * 1e6;
  return `$${Number(v.toPrecision(10))}/1M`;
}

function tierLine(e: PriceExplanation, atMs: number): string {
  const t = e.tier;
  if (t === undefined) return 'standard';
  const rule = t.rule;
  if (rule === undefined) return `${t.tier}: no tier price known for this model, priced at the standard rates (add one with prices.tiers)`;
  const what = rule.kind === 'factor' ? `x${rule.factor} of the standard price` : 'its own list price';
  if (!t.inForce) return `${t.tier}: ${what} only from ${new Date(rule.sinceMs).toISOString().slice(0, 10)}; standard rates at ${new Date(atMs).toISOString()} (${rule.source})`;
  return `${t.tier}: ${what} (${rule.source})`;
}

function listCorrections(out: NodeJS.WritableStream, prices: PricesOptions): number {
  // Loads prices.catalogFile when configured, so the statuses are against the catalog in use.
  new PriceBook(prices);
  const on = prices.corrections ?? true;
  const lines = [`Dated corrections over the @pydantic/genai-prices catalog (${on ? 'on' : 'off: prices.corrections is false'}):`, ''];
  for (const { correction: c, status } of correctionStatuses()) {
    const state = !on ? 'off' : status === 'applies' ? 'applies' : status === 'superseded' ? 'superseded (the catalog has other prices now)' : 'not in the catalog';
    lines.push(`  ${c.provider}/${c.model}  [${state}]`, `    ${c.summary}`, `    source: ${c.source}`);
  }
  out.write(`${lines.join('\n')}\n`);
  return 0;
}

/** `otel-llm-cost price`: one catalog look-up. Exit 0 priced, 1 unknown model, 2 bad arguments or config. */
export async function runPrice(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      out.write(`otel-llm-cost price: ${error.message}\n`);
      return 2;
    }
    if (!(error instanceof UsageError)) throw error;
    out.write(`otel-llm-cost price: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed === 'help') {
    out.write(`${USAGE}\n`);
    return 0;
  }
  let book: PriceBook;
  try {
    if (parsed.kind === 'corrections') return listCorrections(out, parsed.prices);
    book = new PriceBook(parsed.prices);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    out.write(`otel-llm-cost price: ${error.message}\n`);
    return 2;
  }
  const explanation = book.explain(callOf(parsed));
  const result = explanation.priced;
  const at = new Date(parsed.atMs).toISOString();
  const who = parsed.provider === undefined ? '' : ` (provider ${parsed.provider})`;
  if (!result.priced || result.costs === undefined || result.costUsd === undefined) {
    const why =
      result.unpricedReason === 'unknown_model'
        ? 'is not in the @pydantic/genai-prices catalog. Check the spelling, or price it with prices.models (custom per-million-token prices) or map it with prices.aliases.'
        : `could not be priced (${result.unpricedReason ?? 'unknown reason'}${result.pricedAs === undefined ? '' : `, catalog entry ${result.pricedAs}`}).`;
    out.write(`Model "${parsed.model}"${who} ${why}\n`);
    return 1;
  }
  const t = result.tokens;
  const c = result.costs;
  const rate = explanation.perToken;
  const m = explanation.multiplier;
  const rows: [string, number, number, number | undefined][] = [
    ['input', t.input, c.input, rate?.input],
    ['cache_read', t.cacheRead, c.cacheRead, rate?.cacheRead],
    ['cache_write', t.cacheWrite, c.cacheWrite, rate?.cacheWrite],
    ['output', t.output, c.output, rate?.output],
    ['reasoning', t.reasoning, c.reasoning, rate?.reasoning],
  ];
  const configured = m / (explanation.tier?.inForce === true && explanation.tier.rule?.kind === 'factor' ? explanation.tier.rule.factor : 1);
  const correction = explanation.correction;
  const arithmetic = (tokens: number, perToken: number | undefined): string =>
    perToken === undefined ? '' : `${String(tokens).padStart(0)} x ${perMTok(perToken)}${m === 1 ? '' : ` x ${Number(m.toPrecision(10))}`}`;
  const lines = [
    `Model:      ${parsed.model}${who}`,
    `Priced as:  ${result.pricedAs ?? ''} (prices in force at ${at})`,
    `Catalog:    ${explanation.custom ? 'not used: a custom model from prices.models' : '@pydantic/genai-prices'}`,
    `Correction: ${correction === undefined ? 'none' : `${correction.summary} (${correction.source})`}`,
    `Tier:       ${tierLine(explanation, parsed.atMs)}`,
    `Override:   ${configured === 1 ? 'none' : `multiplier ${Number(configured.toPrecision(10))} from prices.multipliers`}`,
    '',
    `  ${'type'.padEnd(12)}${'tokens'.padStart(12)}  ${'arithmetic'.padEnd(36)}  USD`,
    ...rows.map(([type, tokens, cost, perToken]) => `  ${type.padEnd(12)}${String(tokens).padStart(12)}  ${arithmetic(tokens, perToken).padEnd(36)}  ${usd(cost)}`),
    ...(rate !== null && rate.perRequest !== 0 ? [`  (input includes a flat ${usd(rate.perRequest * m)} per request)`] : []),
    `  ${'total'.padEnd(12)}${String(parsed.input + parsed.output).padStart(12)}  ${''.padEnd(36)}  ${usd(result.costUsd)}`,
  ];
  out.write(`${lines.join('\n')}\n`);
  return 0;
}
