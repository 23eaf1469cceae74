import { findProvider } from '@pydantic/genai-prices';

/**
 * OpenTelemetry `gen_ai.provider.name` (and older `gen_ai.system`) values -> genai-prices
 * provider ids. Each was checked against the bundled catalog: several do not resolve by
 * themselves (gcp.gen_ai, x_ai, azure.ai.inference) and azure.ai.openai would otherwise
 * land on `openai` through the catalog's provider_match; the `azure` catalog entry falls
 * back to openai's models and adds Azure-only ones (Phi, DeepSeek), so both Azure names go there.
 */
const OTEL_TO_CATALOG: ReadonlyMap<string, string> = new Map(Object.entries({
  openai: 'openai',
  anthropic: 'anthropic',
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  gemini: 'google',
  vertex_ai: 'google',
  'aws.bedrock': 'aws',
  'azure.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  'az.ai.openai': 'azure',
  'az.ai.inference': 'azure',
  mistral_ai: 'mistral',
  cohere: 'cohere',
  groq: 'groq',
  deepseek: 'deepseek',
  x_ai: 'x-ai',
  xai: 'x-ai',
  perplexity: 'perplexity',
  openrouter: 'openrouter',
  together: 'together',
  together_ai: 'together',
  fireworks: 'fireworks',
  fireworks_ai: 'fireworks',
  cerebras: 'cerebras',
  moonshot: 'moonshotai',
  moonshot_ai: 'moonshotai',
  minimax: 'minimax',
  voyageai: 'voyageai',
  zhipu: 'zhipuai',
}));

/**
 * Maps an OpenTelemetry provider name to a genai-prices provider id. A value that is
 * already a catalog id passes through; anything else (ibm.watsonx.ai, unknown names)
 * gives undefined so the catalog finds the provider from the model id.
 */
export function providerToCatalogId(otelProvider: string | undefined): string | undefined {
  if (otelProvider === undefined) return undefined;
  const key = otelProvider.trim().toLowerCase();
  if (key === '') return undefined;
  const mapped = OTEL_TO_CATALOG.get(key);
  if (mapped !== undefined) return mapped;
  return findProvider({ providerId: key })?.id === key ? key : undefined;
}
