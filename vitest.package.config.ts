import { defineConfig } from 'vitest/config';

// The supported-versions matrix: the packed package installed into a Node 20 + SDK 2 app and
// a Node 22 + SDK 3 app (test/package/packed-app.ts). Apps are cached under
// node_modules/.cache, so only the first run pays for the installs.
export default defineConfig({
  test: {
    include: ['test/package/node*-sdk*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60 * 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
