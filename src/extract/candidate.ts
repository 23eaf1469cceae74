// The hot-path pre-check: does any attribute key belong to an LLM dialect namespace?
// One pass over the keys with a first-character switch, no allocation.

const GEN_AI = 'gen_ai.';
const LLM = 'llm.';
const LANGFUSE = 'langfuse.';
const AI = 'ai.';
const OPENINFERENCE = 'openinference.';
const TRACELOOP = 'traceloop.span.kind';
const EMBEDDING = 'embedding.';

/** false => the span is neither an LLM call nor a wrapper of one (false positives are fine). */
export function hasLlmAttributes(attributes: Readonly<Record<string, unknown>>): boolean {
  for (const key in attributes) {
    switch (key.charCodeAt(0)) {
      case 103: // g
        if (key.startsWith(GEN_AI)) return true;
        break;
      case 108: // l
        if (key.startsWith(LLM) || key.startsWith(LANGFUSE)) return true;
        break;
      case 97: // a
        if (key.startsWith(AI)) return true;
        break;
      case 111: // o
        if (key.startsWith(OPENINFERENCE)) return true;
        break;
      case 116: // t
        if (key === TRACELOOP) return true;
        break;
      case 101: // e
        if (key.startsWith(EMBEDDING)) return true;
        break;
    }
  }
  return false;
}

/**
 * Instrumentations that start their spans without attributes and set them all at the end, so
 * that at start any of their spans may turn out to be an LLM call. Measured:
 * @arizeai/openinference-instrumentation-langchain 4.1.1 with @langchain/core 1.4.0 (even
 * openinference.span.kind arrives at the end).
 */
export const LATE_ATTRIBUTE_SCOPES: ReadonlySet<string> = new Set(['@arizeai/openinference-instrumentation-langchain']);
