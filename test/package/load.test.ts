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

  it('has the bin, with help and the package version', () => {
    expect(node(['dist/cli/main.js', '--version'])).toBe(VERSION);
    expect(node(['dist/cli/main.js', '--help'])).toContain('serve');
    expect(VERSION).toBe(JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version);
  });
});
