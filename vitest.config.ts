import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The packed-package matrix (npm run test:package, run by .ci/run): its first run installs
    // two apps from the registry, compiling better-sqlite3 for each Node.
    exclude: ['**/node_modules/**', 'test/package/node*-sdk*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
