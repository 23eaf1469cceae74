// The usage page's files (HTML, script, style), built into dist/page by `npm run build` and read
// once, at the first request. Nothing is fetched from the network: the chart library is in page.js.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface PageAsset {
  body: Buffer;
  contentType: string;
}

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'page.js': 'text/javascript; charset=utf-8',
  'boot.js': 'text/javascript; charset=utf-8',
  'page.css': 'text/css; charset=utf-8',
};

/**
 * dist/index.js and dist/index.cjs find it next to them, dist/cli/main.js one level up, the
 * sources (tests, tsx) in the built dist/ of the checkout.
 */
const CANDIDATES = ['./page/', '../page/', '../../dist/page/'];

export function findPageDir(): string | undefined {
  for (const rel of CANDIDATES) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}index.html`) && existsSync(`${dir}page.js`) && existsSync(`${dir}boot.js`)) return dir;
  }
  return undefined;
}

export class PageAssets {
  private loaded: Map<string, PageAsset> | undefined;

  /** The file served at /name, or undefined for a name that is not one of the page's files. Throws when the page is not built. */
  get(name: string): PageAsset | undefined {
    const type = FILES[name];
    if (type === undefined) return undefined;
    this.loaded ??= this.load();
    return this.loaded.get(name);
  }

  private load(): Map<string, PageAsset> {
    const dir = findPageDir();
    if (dir === undefined) throw new Error('otel-llm-cost: the usage page is not built (dist/page is missing); run `npm run build`');
    const out = new Map<string, PageAsset>();
    for (const [name, contentType] of Object.entries(FILES)) out.set(name, { body: readFileSync(`${dir}${name}`), contentType });
    return out;
  }
}
