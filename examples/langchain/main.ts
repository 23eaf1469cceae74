// npm run example:langchain [-- --langchain-only] [--spans]
import { runMain } from '../shared/cli.js';
import { runExample } from './app.js';

// -- --langchain-only: without the OpenAI client instrumentation. Both ways each call is counted
// once; alone, LangChain's spans carry the cache reads (exact), but no provider and no embeddings.
const langchainOnly = process.argv.includes('--langchain-only');
await runMain(
  `LangChain.js + OpenInference LangChain${langchainOnly ? '' : ' + OpenTelemetry OpenAI instrumentation'}`,
  () => runExample({ openAiInstrumentation: !langchainOnly }),
);
