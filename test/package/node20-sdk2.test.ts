import { readmeInstallPackages } from './readme-snippets.js';
import { packedAppSuite } from './suite.js';

// Node 20 (the Node running the tests) with OpenTelemetry JS SDK 2.x, the versions this
// repo develops against; node22-sdk3.test.ts is the same on Node 22 with SDK 3.
packedAppSuite({
  label: 'Node 20 + OpenTelemetry JS SDK 2.x',
  app: async () => ({
    name: 'node20-sdk2',
    // The README's SDK 2 install line, as written, plus what the TypeScript check needs.
    packages: [...readmeInstallPackages('install-sdk2'), 'typescript@5.9', '@types/node@20'],
  }),
  traceModule: '@opentelemetry/sdk-trace',
  sdkMetricsMajor: 2,
});
