// npm run example:agent  (add -- --spans to print the raw span attributes)
import { runMain } from '../shared/cli.js';
import { runExample } from './app.js';

await runMain('invoke_agent spans over openai + @opentelemetry/instrumentation-openai, dimensions: [gen_ai.agent.name]', async () => {
  const { example } = await runExample();
  return example;
});
