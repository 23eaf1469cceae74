import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './packed-app.js';

/** The fenced code block that follows `<!-- snippet: NAME -->` in README.md, as written. */
export function readmeSnippet(name: string): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const marker = `<!-- snippet: ${name} -->`;
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker}`);
  const m = /^```\w*\n([\s\S]*?)^```$/m.exec(readme.slice(at + marker.length));
  if (!m) throw new Error(`README.md: no code block after ${marker}`);
  return m[1]!;
}

/** What a README install line installs besides otel-llm-cost itself. */
export function readmeInstallPackages(name: string): string[] {
  const words = readmeSnippet(name).trim().split(/\s+/);
  if (words[0] !== 'npm' || words[1] !== 'install' || !words.includes('otel-llm-cost')) {
    throw new Error(`README snippet ${name} is not an \`npm install otel-llm-cost ...\` line`);
  }
  return words.slice(2).filter((w) => w !== 'otel-llm-cost');
}
