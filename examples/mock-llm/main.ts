// npm run example:mock-llm [-- --port 8787]: serve the mock LLM until Ctrl-C, logging each call.
import { startMockLlm } from './server.js';

const portFlag = process.argv.indexOf('--port');
const port = portFlag === -1 ? 0 : Number(process.argv[portFlag + 1]);
const mock = await startMockLlm({ port });
console.log(`mock LLM on ${mock.url}  (OpenAI base URL ${mock.openAiBaseUrl}, Anthropic base URL ${mock.url})`);
let logged = 0;
const timer = setInterval(() => {
  for (const call of mock.calls.slice(logged)) console.log(JSON.stringify(call));
  logged = mock.calls.length;
}, 200);
process.once('SIGINT', () => {
  clearInterval(timer);
  void mock.close().then(() => process.exit(0));
});
