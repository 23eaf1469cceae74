import { parseArgs } from 'node:util';
import { PriceBook } from '../pricing/index.js';
import type { LlmCall } from '../types.js';

const USAGE = `Usage: otel-llm-cost price MODEL --input N --output M [options]

Prices one call from the @pydantic/genai-prices catalog.

  --input N         all input tokens, cache reads and writes included (required)
  --output M        all output tokens, reasoning included (required)
  --cache-read N    input tokens read from the prompt cache (default 0)
  --cache-write N   input tokens written to the prompt cache (default 0)
  --reasoning N     output tokens spent on reasoning (default 0)
  --provider P      OpenTelemetry provider name (openai, gcp.vertex_ai, aws.bedrock, x_ai, ...)
                    or catalog id; default: found from the model id
  --at DATE         price in force at this ISO date/time (default: now)
  -h, --help        show this help`;

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
  model: string;
  provider: string | undefined;
  atMs: number;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

function parse(argv: string[]): Parsed | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        input: { type: 'string' },
        output: { type: 'string' },
        'cache-read': { type: 'string' },
        'cache-write': { type: 'string' },
        reasoning: { type: 'string' },
        provider: { type: 'string' },
        at: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  if (positionals.length !== 1 || (positionals[0] as string).trim() === '') {
    throw new UsageError(positionals.length === 0 ? 'MODEL is required' : `expected one MODEL, got ${positionals.length}`);
  }
  const atMs = values.at === undefined ? Date.now() : Date.parse(values.at);
  if (Number.isNaN(atMs)) throw new UsageError(`--at must be an ISO date such as 2025-06-01 or 2025-06-01T14:30:00Z, got "${values.at}"`);
  const result: Parsed = {
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
  };
}

/** `otel-llm-cost price`: one catalog look-up. Exit 0 priced, 1 unknown model, 2 bad arguments. */
export async function runPrice(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  let parsed: Parsed | 'help';
  try {
    parsed = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    out.write(`otel-llm-cost price: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed === 'help') {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const result = new PriceBook().price(callOf(parsed));
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
  const rows: [string, number, number][] = [
    ['input', t.input, c.input],
    ['cache_read', t.cacheRead, c.cacheRead],
    ['cache_write', t.cacheWrite, c.cacheWrite],
    ['output', t.output, c.output],
    ['reasoning', t.reasoning, c.reasoning],
  ];
  const lines = [
    `Model:     ${parsed.model}${who}`,
    `Priced as: ${result.pricedAs ?? ''} (prices in force at ${at})`,
    '',
    `  ${'type'.padEnd(12)}${'tokens'.padStart(12)}  USD`,
    ...rows.map(([type, tokens, cost]) => `  ${type.padEnd(12)}${String(tokens).padStart(12)}  ${usd(cost)}`),
    `  ${'total'.padEnd(12)}${String(parsed.input + parsed.output).padStart(12)}  ${usd(result.costUsd)}`,
  ];
  out.write(`${lines.join('\n')}\n`);
  return 0;
}
