// npm run example:esm-import: starts the mock LLM, then runs the ESM app the way the README
// says (node --import ./instrumentation.mjs app.mjs), pointed at the mock.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startMockLlm } from '../mock-llm/server.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const mock = await startMockLlm();
try {
  // Not spawnSync: the mock answers from this process's event loop.
  const child = spawn(process.execPath, ['--import', './instrumentation.mjs', 'app.mjs'], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, OPENAI_BASE_URL: mock.openAiBaseUrl, OPENAI_API_KEY: 'sk-mock' },
  });
  process.exitCode = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
} finally {
  await mock.close();
}
