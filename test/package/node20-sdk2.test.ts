import { packedAppSuite } from './suite.js';

// Node 20 (the Node running the tests) with OpenTelemetry JS SDK 2.x, the versions this
// repo develops against; node22-sdk3.test.ts is the same on Node 22 with SDK 3.
packedAppSuite({
  label: 'Node 20 + OpenTelemetry JS SDK 2.x',
  app: async () => ({
    name: 'node20-sdk2',
    packages: [
      '@opentelemetry/api@1.9',
      '@opentelemetry/sdk-metrics@2',
      '@opentelemetry/sdk-trace-base@2',
      '@opentelemetry/exporter-prometheus@0.223',
      '@opentelemetry/sdk-node@0.223',
      'typescript@5.9',
      '@types/node@20',
    ],
  }),
  traceModule: '@opentelemetry/sdk-trace-base',
  sdkMetricsMajor: 2,
});
