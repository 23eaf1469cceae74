// Normalizes provider values of every dialect to OpenTelemetry gen_ai.provider.name values.

import { memoize } from './memo.js';

/**
 * Known spellings -> gen_ai.provider.name. Sources: semconv gen_ai.system (legacy) and
 * gen_ai.provider.name values (@opentelemetry/semantic-conventions 1.45.0), OpenInference
 * LLMSystem/LLMProvider (@arizeai/openinference-semantic-conventions 2.12.0), Vercel AI SDK
 * provider ids (`ai` 6.0.326 puts them in ai.model.provider and gen_ai.system), older
 * OpenLLMetry capitalized values ("OpenAI", "Anthropic").
 */
const KNOWN: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  'gcp.gemini': 'gcp.gemini',
  gemini: 'gcp.gemini',
  'google.generative-ai': 'gcp.gemini',
  'google.generative_ai': 'gcp.gemini',
  'google-genai': 'gcp.gemini',
  'gcp.vertex_ai': 'gcp.vertex_ai',
  vertex_ai: 'gcp.vertex_ai',
  vertexai: 'gcp.vertex_ai',
  'google.vertex': 'gcp.vertex_ai',
  'gcp.gen_ai': 'gcp.gen_ai',
  google: 'gcp.gen_ai',
  'aws.bedrock': 'aws.bedrock',
  'amazon-bedrock': 'aws.bedrock',
  bedrock: 'aws.bedrock',
  aws: 'aws.bedrock',
  amazon: 'aws.bedrock',
  'azure.ai.openai': 'azure.ai.openai',
  'az.ai.openai': 'azure.ai.openai',
  'azure-openai': 'azure.ai.openai',
  azure_openai: 'azure.ai.openai',
  azure: 'azure.ai.openai',
  'azure.ai.inference': 'azure.ai.inference',
  'az.ai.inference': 'azure.ai.inference',
  mistral_ai: 'mistral_ai',
  mistralai: 'mistral_ai',
  mistral: 'mistral_ai',
  cohere: 'cohere',
  groq: 'groq',
  deepseek: 'deepseek',
  x_ai: 'x_ai',
  xai: 'x_ai',
  perplexity: 'perplexity',
  'ibm.watsonx.ai': 'ibm.watsonx.ai',
  watsonx: 'ibm.watsonx.ai',
};

/**
 * Vercel AI SDK provider ids are `<provider>.<api>` (openai.chat, anthropic.messages,
 * google.vertex.chat, fireworks.chat); these trailing segments name the API, not the provider.
 */
const API_SUFFIXES = new Set([
  'chat',
  'completion',
  'completions',
  'responses',
  'messages',
  'embedding',
  'embeddings',
  'textembedding',
  'image',
  'transcription',
  'speech',
  'anthropic',
  'reranking',
]);

function resolve(lower: string): string {
  let candidate = lower;
  for (;;) {
    const known = KNOWN[candidate];
    if (known !== undefined) return known;
    const dot = candidate.lastIndexOf('.');
    if (dot <= 0 || !API_SUFFIXES.has(candidate.slice(dot + 1))) break;
    candidate = candidate.slice(0, dot);
  }
  // Unknown providers stay as sent (lower-cased), minus a Vercel API suffix.
  return candidate;
}

/** Maps any dialect's provider value to a gen_ai.provider.name value; unknown ones lower-cased. */
export const normalizeProvider: (raw: string) => string = memoize((raw) => resolve(raw.trim().toLowerCase()), 1000);
