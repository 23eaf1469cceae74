// npm run example:vercel-ai  (add -- --spans to print the raw span attributes)
import { runMain } from '../shared/cli.js';
import { runExample } from './app.js';

await runMain('Vercel AI SDK (ai) with experimental_telemetry', runExample);
