// Runs every bench/*.bench.ts in its own Node process (so one benchmark's heap and JIT
// state cannot skew another's), one after the other, and passes its output through.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// `npm run bench -- app --measure 4`: names before the first flag pick the benches (by part of
// the file name), the flags from there on go to each bench run.
const args = process.argv.slice(2);
const firstFlag = args.findIndex((a) => a.startsWith('-'));
const only = firstFlag < 0 ? args : args.slice(0, firstFlag);
const flags = firstFlag < 0 ? [] : args.slice(firstFlag);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((name) => f.includes(name)))
  .sort();
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n=== ${file} ===\n`);
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, file), ...flags], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    process.stdout.write(`${file} exited with ${result.status ?? result.signal}\n`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
