import { copyFile, mkdir } from 'node:fs/promises';
import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts', collector: 'src/collector-entry.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // Everything but the page, which the third build writes at the same time.
    clean: ['!page/**'],
    target: 'node20',
    // import.meta.url in the CommonJS build (the SQLite driver is required at run time: src/store/sqlite.ts;
    // the usage page's files are found next to the bundle).
    shims: true,
  },
  {
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    // The usage page: its script (uPlot included), a small script that starts the first request
    // early (boot), and one style sheet, served from dist/page.
    entry: { 'page/page': 'src/page/main.ts', 'page/boot': 'src/page/boot.ts' },
    format: ['iife'],
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: false,
    outExtension: () => ({ js: '.js' }),
    async onSuccess() {
      await mkdir('dist/page', { recursive: true });
      await copyFile('src/page/index.html', 'dist/page/index.html');
    },
  },
]);
