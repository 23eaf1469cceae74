// Which spans are per-call LLM spans and which are wrappers around them (DESIGN.md,
// "Which spans count", rule 1). ai.operationId is checked before gen_ai.operation.name.

import { isLangfuseWrapperType, langfuseOperation } from './langfuse.js';
import { openInferenceOperation } from './openinference.js';
import { isTraceloopWrapperKind } from './traceloop.js';
import { isVercelCall, vercelOperation } from './vercel-ai.js';
import { memoize } from './memo.js';
import { Marker, markersOf } from './scan.js';
import type { MarkerSource } from './scan.js';

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

export function spanShape(attributes: Readonly<Record<string, unknown>>): SpanShape {
  return shapeOf(markersOf(attributes));
}

/** spanShape reading the markers from a MarkerSource (each only when needed, in this order). */
export function shapeOf(markers: MarkerSource): SpanShape {
  const operationId = markers.marker(Marker.operationId);
  if (typeof operationId === 'string') return vercelShape(operationId);
  const operation = markers.marker(Marker.operation);
  if (typeof operation === 'string' && isWrapperOperation(operation)) return WRAPPER;
  const kind = markers.marker(Marker.openInferenceKind);
  if (typeof kind === 'string') return openInferenceShape(kind);
  const traceloopKind = markers.marker(Marker.traceloopKind);
  if (typeof traceloopKind === 'string' && isTraceloopWrapper(traceloopKind)) return WRAPPER;
  const observationType = markers.marker(Marker.langfuseType);
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
