// Vercel AI SDK telemetry (`ai` 6.0.326, tracer name "ai"): a root span per call of
// generateText/streamText/generateObject/streamObject/embed/embedMany (ai.operationId
// "ai.generateText", ...) with per-request child spans "ai.generateText.doGenerate",
// "ai.streamText.doStream", "ai.embed.doEmbed". Tool executions are "ai.toolCall".

/** true for a per-request span (…doGenerate, …doStream, …doEmbed, …doRerank). */
export function isVercelCall(operationId: string): boolean {
  return /\.do(Generate|Stream|Embed|Rerank)$/.test(operationId);
}

/** gen_ai.operation.name for a per-request Vercel span. */
export function vercelOperation(operationId: string): string {
  if (operationId.endsWith('.doEmbed')) return 'embeddings';
  if (operationId.endsWith('.doRerank')) return 'rerank';
  return 'chat';
}
