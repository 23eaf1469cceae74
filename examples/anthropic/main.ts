// npm run example:anthropic [-- sdk|openinference|both] [--spans]
import { runMain } from '../shared/cli.js';
import { runExample, type AnthropicTracing } from './app.js';

const mode = (['sdk', 'openinference', 'both'] as const).find((m) => process.argv.includes(m)) ?? 'sdk';
await runMain(`Anthropic Messages (tracing: ${mode}) + Vercel AI SDK with @ai-sdk/anthropic`, () => runExample(mode as AnthropicTracing));
