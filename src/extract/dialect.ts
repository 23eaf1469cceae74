// Which attribute convention a span was written in (LlmCall.dialect).

import type { Dialect } from '../types.js';
import { Marker, markersOf } from './scan.js';
import type { MarkerSource } from './scan.js';

const VERCEL_SCOPE = 'ai';
const LANGFUSE_SCOPE = 'langfuse-sdk';
const TRACELOOP_SCOPE_PREFIX = '@traceloop/';

export function detectDialect(attributes: Readonly<Record<string, unknown>>, scopeName: string | undefined): Dialect {
  return dialectOf(markersOf(attributes), scopeName);
}

/** detectDialect reading the markers from a MarkerSource (each only when needed). */
export function dialectOf(markers: MarkerSource, scopeName: string | undefined): Dialect {
  if (markers.marker(Marker.operationId) !== undefined || scopeName === VERCEL_SCOPE) return 'vercel_ai';
  if (markers.marker(Marker.openInferenceKind) !== undefined) return 'openinference';
  if (markers.marker(Marker.langfuseType) !== undefined || scopeName === LANGFUSE_SCOPE) return 'langfuse';
  if (
    scopeName?.startsWith(TRACELOOP_SCOPE_PREFIX) === true ||
    markers.marker(Marker.traceloopKind) !== undefined ||
    markers.marker(Marker.requestType) !== undefined
  ) {
    return 'openllmetry';
  }
  return 'gen_ai';
}
