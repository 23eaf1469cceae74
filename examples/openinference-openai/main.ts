// npm run example:openinference-openai  (add -- --spans to print the raw span attributes)
import { runMain } from '../shared/cli.js';
import { runExample } from './app.js';

await runMain('openai + @arizeai/openinference-instrumentation-openai', runExample);
