// npm run example:langchain  (add -- --spans to print the raw span attributes)
import { runMain } from '../shared/cli.js';
import { runExample } from './app.js';

await runMain('LangChain.js + OpenInference LangChain + OpenTelemetry OpenAI instrumentation', runExample);
