// Runs `otel-llm-cost serve` as a child process on free ports and reads its URLs from the
// line it prints at start. Uses the built CLI (dist/cli/main.js, `npm run build`) when it
// exists, else (or with COLLECTOR_FROM_SOURCE=1) the TypeScript source through tsx.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface CollectorProcess {
  otlpUrl: string;
  metricsUrl: string;
  /** The command line that was run, for the printout. */
  command: string;
  /** SIGTERM, then wait for a clean exit. */
  stop(): Promise<number | null>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STARTED = /OTLP\/HTTP traces on (\S+), metrics on (\S+)/;

export async function spawnCollector(extraArgs: string[] = []): Promise<CollectorProcess> {
  const built = `${ROOT}dist/cli/main.js`;
  const entry = existsSync(built) && process.env.COLLECTOR_FROM_SOURCE !== '1' ? [built] : ['--import', 'tsx', `${ROOT}src/cli/main.ts`];
  const args = [...entry, 'serve', '--otlp-port', '0', '--grpc-port', '0', '--metrics-port', '0', '--store', ':memory:', ...extraArgs];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const urls = await new Promise<[string, string]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`otel-llm-cost serve did not start in 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = STARTED.exec(output);
      if (m !== null) {
        clearTimeout(timer);
        resolve([m[1] as string, m[2] as string]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`otel-llm-cost serve exited with ${code}:\n${output}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    otlpUrl: urls[0],
    metricsUrl: urls[1],
    command: `node ${args.map((a) => a.replace(ROOT, '')).join(' ')}`,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
