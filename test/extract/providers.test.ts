import { describe, expect, it } from 'vitest';
import { normalizeProvider } from '../../src/extract/index.js';

describe('provider normalization to gen_ai.provider.name', () => {
  it.each([
    // current and legacy semconv
    ['openai', 'openai'],
    ['az.ai.openai', 'azure.ai.openai'],
    ['az.ai.inference', 'azure.ai.inference'],
    ['vertex_ai', 'gcp.vertex_ai'],
    ['gemini', 'gcp.gemini'],
    ['xai', 'x_ai'],
    ['aws.bedrock', 'aws.bedrock'],
    ['ibm.watsonx.ai', 'ibm.watsonx.ai'],
    // older OpenLLMetry
    ['OpenAI', 'openai'],
    ['Anthropic', 'anthropic'],
    // OpenInference llm.system / llm.provider
    ['mistralai', 'mistral_ai'],
    ['vertexai', 'gcp.vertex_ai'],
    ['google', 'gcp.gen_ai'],
    ['aws', 'aws.bedrock'],
    ['azure', 'azure.ai.openai'],
    // Vercel AI SDK provider ids
    ['openai.chat', 'openai'],
    ['openai.responses', 'openai'],
    ['anthropic.messages', 'anthropic'],
    ['google.generative-ai', 'gcp.gemini'],
    ['google.vertex.chat', 'gcp.vertex_ai'],
    ['google.vertex.anthropic.messages', 'gcp.vertex_ai'],
    ['amazon-bedrock', 'aws.bedrock'],
    ['azure-openai', 'azure.ai.openai'],
    ['azure.responses', 'azure.ai.openai'],
    ['mistral.chat', 'mistral_ai'],
    ['groq.chat', 'groq'],
    ['deepseek.chat', 'deepseek'],
    ['xai.chat', 'x_ai'],
    ['cohere.chat', 'cohere'],
    ['perplexity', 'perplexity'],
    // unknown: lower-cased as-is (minus a Vercel API suffix)
    ['OpenRouter', 'openrouter'],
    ['fireworks.chat', 'fireworks'],
    ['Acme.Models', 'acme.models'],
  ])('%s -> %s', (raw, expected) => {
    expect(normalizeProvider(raw)).toBe(expected);
  });
});
