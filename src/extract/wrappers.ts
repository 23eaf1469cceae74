// Which spans are per-call LLM spans and which are wrappers around them (DESIGN.md,
// "Which spans count", rule 1). ai.operationId is checked before gen_ai.operation.name.

import { isLangfuseWrapperType, langfuseOperation } from './langfuse.js';
import { openInferenceOperation } from './openinference.js';
import { isTraceloopWrapperKind } from './traceloop.js';
import { isVercelCall, vercelOperation } from './vercel-ai.js';
import { memoize } from './memo.js';
import { LANGFUSE_TYPE_KEY, OPENINFERENCE_KIND_KEY, OPERATION_KEY, TRACELOOP_KIND_KEY, VERCEL_OPERATION_ID_KEY } from './keys.js';

/** gen_ai.operation.name values of spans that wrap calls rather than make one. */
const WRAPPER_OPERATIONS = new Set([
  'invoke_agent',
  'agent_step',
  'invoke_workflow',
  'create_agent',
  'execute_tool',
  'retrieval',
  // OpenLLMetry guardrail spans (@traceloop/node-server-sdk 0.27): a check, not a model call.
  'guard',
]);

export interface SpanShape {
  /** call: a per-call span; wrapper: around calls; unmarked: no dialect marker either way. */
  role: 'call' | 'wrapper' | 'unmarked';
  /** Operation implied by the marker (Vercel operation id, span kind, observation type). */
  operation: string | undefined;
}

const WRAPPER: SpanShape = { role: 'wrapper', operation: undefined };
const UNMARKED: SpanShape = { role: 'unmarked', operation: undefined };
const shapes = new Map<string, SpanShape>();

function call(operation: string): SpanShape {
  let shape = shapes.get(operation);
  if (shape === undefined) {
    shape = { role: 'call', operation };
    shapes.set(operation, shape);
  }
  return shape;
}

/** The span's shape from its dialect markers, read in this order, each only when needed. */
export function shapeOf(attributes: Readonly<Record<string, unknown>>): SpanShape {
  const operationId = attributes[VERCEL_OPERATION_ID_KEY];
  if (typeof operationId === 'string') return vercelShape(operationId);
  const operation = attributes[OPERATION_KEY];
  if (typeof operation === 'string' && isWrapperOperation(operation)) return WRAPPER;
  const kind = attributes[OPENINFERENCE_KIND_KEY];
  if (typeof kind === 'string') return openInferenceShape(kind);
  const traceloopKind = attributes[TRACELOOP_KIND_KEY];
  if (typeof traceloopKind === 'string' && isTraceloopWrapper(traceloopKind)) return WRAPPER;
  const observationType = attributes[LANGFUSE_TYPE_KEY];
  if (typeof observationType === 'string') return langfuseShape(observationType);
  return UNMARKED;
}

const vercelShape = memoize((operationId) =>
  isVercelCall(operationId) ? call(vercelOperation(operationId)) : WRAPPER,
);
const isWrapperOperation = memoize((operation) => WRAPPER_OPERATIONS.has(operation.toLowerCase()));
const openInferenceShape = memoize((kind) => {
  const op = openInferenceOperation(kind);
  return op === undefined ? WRAPPER : call(op);
});
const isTraceloopWrapper = memoize(isTraceloopWrapperKind);
const langfuseShape = memoize((observationType) => {
  const op = langfuseOperation(observationType);
  if (op !== undefined) return call(op);
  return isLangfuseWrapperType(observationType) ? WRAPPER : UNMARKED;
});
