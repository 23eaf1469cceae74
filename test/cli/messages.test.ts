import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SERVE_ENV_VARS } from '../../src/collector/config-sources.js';
import { CLI, requireBuiltCli } from '../collector/helpers/processes.js';

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  requireBuiltCli();
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
}

describe('CLI messages', () => {
  it('an unknown flag gets a did-you-mean, not parseArgs\' raw text', () => {
    const price = cli('price', 'gpt-4o', '--inptu', '10', '--output', '5');
    expect(price.status).toBe(2);
    expect(price.stdout + price.stderr).toContain('otel-llm-cost price: unknown option --inptu (did you mean --input?)');
    expect(price.stdout + price.stderr).not.toContain('positional argument');

    const serve = cli('serve', '--metrics_port', '9464');
    expect(serve.status).toBe(2);
    expect(serve.stderr).toContain('otel-llm-cost serve: unknown option --metrics_port (did you mean --metrics-port?)');
    expect(serve.stderr).not.toContain('positional argument');

    const demo = cli('demo', '--run', '3');
    expect(demo.status).toBe(2);
    expect(demo.stdout + demo.stderr).toContain('unknown option --run (did you mean --runs?)');
  });

  it('a flag missing its value says so', () => {
    const r = cli('price', 'gpt-4o', '--output', '5', '--input');
    expect(r.status).toBe(2);
    expect(r.stdout + r.stderr).toContain('--input needs a value');
  });

  it('serve --help keeps every environment variable apart from its text', () => {
    const r = cli('serve', '--help');
    expect(r.status).toBe(0);
    for (const v of SERVE_ENV_VARS) expect(r.stdout).toMatch(new RegExp(`^ {2}${v.name} {2,}\\S`, 'm'));
  });
});
