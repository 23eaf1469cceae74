// OpenInference (@arizeai/openinference-semantic-conventions 2.12.0): openinference.span.kind
// is LLM | EMBEDDING for a model request, and AGENT | CHAIN | TOOL | RETRIEVER | RERANKER |
// GUARDRAIL | EVALUATOR | PROMPT for everything around it.

const CALL_OPERATIONS: Readonly<Record<string, string>> = {
  LLM: 'chat',
  EMBEDDING: 'embeddings',
};

/** gen_ai.operation.name for a per-call span kind, undefined for a wrapper kind. */
export function openInferenceOperation(kind: string): string | undefined {
  return CALL_OPERATIONS[kind.toUpperCase()];
}
