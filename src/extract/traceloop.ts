// OpenLLMetry (@traceloop/ai-semantic-conventions 0.27.0): traceloop.span.kind marks the
// wrappers the Traceloop SDK decorators create; llm.request.type is the operation of
// older instrumentation versions (chat | completion | embedding | rerank).

const WRAPPER_KINDS = new Set(['workflow', 'task', 'agent', 'tool']);

export function isTraceloopWrapperKind(kind: string): boolean {
  return WRAPPER_KINDS.has(kind.toLowerCase());
}

const REQUEST_TYPES: Readonly<Record<string, string>> = {
  chat: 'chat',
  completion: 'text_completion',
  embedding: 'embeddings',
  rerank: 'rerank',
};

/** gen_ai.operation.name for an llm.request.type value; unknown values lower-cased. */
export function traceloopOperation(requestType: string): string {
  const lower = requestType.toLowerCase();
  return REQUEST_TYPES[lower] ?? lower;
}
