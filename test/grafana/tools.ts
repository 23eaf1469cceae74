// Locating the Prometheus binaries the Grafana tests run.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const INSTALL_HINT =
  'Install them with `apt-get install prometheus` (Debian/Ubuntu: it ships both `prometheus` and `promtool`), ' +
  'or put Prometheus 2.x binaries on PATH.';

/** Absolute path of `name` on PATH; throws with the install command when it is missing. */
export function requireBinary(name: 'prometheus' | 'promtool', path = process.env.PATH ?? ''): string {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`\`${name}\` was not found on PATH. ${INSTALL_HINT}`);
}

export interface RunResult {
  code: number;
  output: string;
}

/** Runs a binary and returns its exit code and combined output (never throws on exit != 0). */
export function run(bin: string, args: string[], cwd: string): RunResult {
  try {
    const output = execFileSync(bin, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, output };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
