// The LangChain.js app: a prompt | model | parser chain, a streamed chain, a two-step
// tool-calling exchange and an embeddings call, through @langchain/openai pointed at the mock.
import type { StringOutputParser } from '@langchain/core/output_parsers';
import type { ChatPromptTemplate } from '@langchain/core/prompts';
import type { tool } from '@langchain/core/tools';
import type { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import type { z } from 'zod';
import { QUESTIONS, SYSTEM_PROMPT } from './prompts.js';

export interface LangChainModules {
  ChatOpenAI: typeof ChatOpenAI;
  OpenAIEmbeddings: typeof OpenAIEmbeddings;
  ChatPromptTemplate: typeof ChatPromptTemplate;
  StringOutputParser: typeof StringOutputParser;
  tool: typeof tool;
  z: typeof z;
}

export async function runLangChainCalls(lc: LangChainModules, baseURL: string): Promise<void> {
  const configuration = { baseURL };
  const model = new lc.ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-mock', configuration });
  const prompt = lc.ChatPromptTemplate.fromMessages([
    ['system', '{policy}'],
    ['human', '{question}'],
  ]);
  const chain = prompt.pipe(model).pipe(new lc.StringOutputParser());
  await chain.invoke({ policy: SYSTEM_PROMPT, question: QUESTIONS[0] });

  const stream = await chain.stream({ policy: SYSTEM_PROMPT, question: QUESTIONS[1] });
  for await (const piece of stream) void piece;

  const weather = lc.tool(async ({ city }: { city: string }) => JSON.stringify({ city, forecast: 'sunny', highC: 24 }), {
    name: 'weather',
    description: 'Weather forecast for a city',
    schema: lc.z.object({ city: lc.z.string() }),
  });
  const agentModel = new lc.ChatOpenAI({ model: 'o4-mini', apiKey: 'sk-mock', configuration }).bindTools([weather]);
  const messages: Parameters<typeof agentModel.invoke>[0] = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: QUESTIONS[2] as string },
  ];
  const first = await agentModel.invoke(messages);
  const toolMessages = [];
  for (const call of first.tool_calls ?? []) toolMessages.push(await weather.invoke(call));
  await agentModel.invoke([...messages, first, ...toolMessages]);

  const embeddings = new lc.OpenAIEmbeddings({ model: 'text-embedding-3-small', apiKey: 'sk-mock', configuration });
  await embeddings.embedDocuments(QUESTIONS);
}
