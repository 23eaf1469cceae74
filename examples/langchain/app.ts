// LangChain.js traced by @arizeai/openinference-instrumentation-langchain, with the OpenAI
// client underneath traced by @opentelemetry/instrumentation-openai: every chat call
// produces an OpenInference LLM span AND a GenAI span. The contrib instrumentation hooks
// require(), so the app loads LangChain (and through it `openai`) with createRequire.
import { createRequire } from 'node:module';
import { LangChainInstrumentation } from '@arizeai/openinference-instrumentation-langchain';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { startExample, type Example } from '../shared/harness.js';
import { runLangChainCalls, type LangChainModules } from '../shared/langchain-calls.js';

export const SERVICE_NAME = 'support-bot-langchain';

export interface LangChainExampleOptions {
  /** Wrap the work in one app span, as a request handler would. Default true. */
  parentSpan?: boolean;
  /** Also trace the OpenAI client under LangChain (contrib instrumentation). Default true. */
  openAiInstrumentation?: boolean;
}

export async function runExample(options: LangChainExampleOptions = {}): Promise<Example> {
  const langchain = new LangChainInstrumentation();
  const instrumentations = options.openAiInstrumentation === false ? [langchain] : [new OpenAIInstrumentation(), langchain];
  const example = await startExample({ serviceName: SERVICE_NAME, instrumentations });
  const load = createRequire(import.meta.url);
  langchain.manuallyInstrument(load('@langchain/core/callbacks/manager'));
  const lc: LangChainModules = {
    ...(load('@langchain/openai') as Pick<LangChainModules, 'ChatOpenAI' | 'OpenAIEmbeddings'>),
    ...(load('@langchain/core/prompts') as Pick<LangChainModules, 'ChatPromptTemplate'>),
    ...(load('@langchain/core/output_parsers') as Pick<LangChainModules, 'StringOutputParser'>),
    ...(load('@langchain/core/tools') as Pick<LangChainModules, 'tool'>),
    ...(load('zod') as Pick<LangChainModules, 'z'>),
  };
  const run = (): Promise<void> => runLangChainCalls(lc, example.mock.openAiBaseUrl);
  if (options.parentSpan === false) await run();
  else {
    await example.tracerProvider.getTracer('support-bot').startActiveSpan('handle-request', async (span) => {
      try {
        await run();
      } finally {
        span.end();
      }
    });
  }
  return example;
}
