import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/index.js';

// `npm test` builds first (pretest), so dist/ is the package as published.
const root = new URL('../../', import.meta.url).pathname;

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
}

describe('the built package', () => {
  it('loads with require (CommonJS)', () => {
    expect(node(['-e', "const m = require('otel-llm-cost'); console.log(typeof m.LlmCostSpanProcessor, typeof m.llmCostViews)"])).toBe('function function');
  });

  it('loads with import (ESM)', () => {
    expect(node(['--input-type=module', '-e', "const m = await import('otel-llm-cost'); console.log(typeof m.LlmCostSpanProcessor, typeof m.llmCostViews)"])).toBe('function function');
  });

  it('exports the processor, its options, the views, pricing alone and the names; no pipeline, price-book or collector internals', () => {
    const names = JSON.parse(node(['-e', "console.log(JSON.stringify(Object.keys(require('otel-llm-cost')).sort()))"])) as string[];
    expect(names).toEqual(expect.arrayContaining(['LlmCostSpanProcessor', 'llmCostViews', 'priceCall', 'ConfigError', 'StoreError', 'METRIC_COST', 'ATTR_PROVIDER', 'PROM', 'VERSION']));
    for (const internal of ['CostPipeline', 'PriceBook', 'startCollector', 'validateOptions', 'spanInputFromReadable']) expect(names).not.toContain(internal);
    // The main entry holds none of the collector's HTTP server code; the subpath does.
    expect(readFileSync(`${root}dist/index.cjs`, 'utf8')).not.toContain('/v1/traces');
    expect(readFileSync(`${root}dist/collector.cjs`, 'utf8')).toContain('/v1/traces');
  });

  it('serves the collector as the otel-llm-cost/collector subpath (CommonJS and ESM)', () => {
    expect(node(['-e', "console.log(typeof require('otel-llm-cost/collector').startCollector)"])).toBe('function');
    expect(node(['--input-type=module', '-e', "const m = await import('otel-llm-cost/collector'); console.log(typeof m.startCollector)"])).toBe('function');
  });

  it('has the bin, with help and the package version', () => {
    expect(node(['dist/cli/main.js', '--version'])).toBe(VERSION);
    expect(node(['dist/cli/main.js', '--help'])).toContain('serve');
    expect(VERSION).toBe(JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version);
  });
});
