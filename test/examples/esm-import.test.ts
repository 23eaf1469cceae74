// The README's advice for ESM apps, run: instrumentations loaded with `node --import` and the
// loader hook patch `import OpenAI from 'openai'`; loaded from inside the app, they do not.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockLlm } from '../../examples/mock-llm/server.js';
import type { MockLlmServer } from '../../examples/mock-llm/server.js';
import { trueCost } from '../../examples/shared/expected.js';

const dir = fileURLToPath(new URL('../../examples/esm-import/', import.meta.url));
let mock: MockLlmServer;

beforeAll(async () => {
  mock = await startMockLlm();
});
afterAll(async () => {
  await mock.close();
});

function runApp(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, OPENAI_BASE_URL: mock.openAiBaseUrl, OPENAI_API_KEY: 'sk-mock', NODE_OPTIONS: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('an ESM app (examples/esm-import)', () => {
  it('with node --import ./instrumentation.mjs: the OpenAI call is traced and priced', { timeout: 180_000 }, async () => {
    const before = mock.calls.length;
    const r = await runApp(['--import', './instrumentation.mjs', 'app.mjs']);
    expect(r.code, r.stderr).toBe(0);
    const calls = mock.calls.slice(before);
    expect(calls).toHaveLength(1);
    const line = /^llm_cost_usd_total\{[^}]*gen_ai_request_model="gpt-4o-mini"[^}]*\} (\S+)$/m.exec(r.stdout);
    expect(Number(line?.[1])).toBeCloseTo(trueCost(calls[0]!), 15);
    expect(r.stdout).toContain('calls counted: 1,');
  });

  it('without it, the same app is not instrumented (the import ran before the set-up)', { timeout: 180_000 }, async () => {
    const before = mock.calls.length;
    const r = await runApp(['app.mjs']);
    expect(r.code, r.stderr).toBe(0);
    expect(mock.calls.slice(before)).toHaveLength(1);
    expect(r.stdout).toContain('calls counted: 0,');
    expect(r.stdout).not.toMatch(/^llm_cost_usd_total/m);
  });
});
