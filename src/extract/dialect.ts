// Which attribute convention a span was written in (LlmCall.dialect).

import type { Dialect } from '../types.js';
import { LANGFUSE_TYPE_KEY, OPENINFERENCE_KIND_KEY, TRACELOOP_KIND_KEY, TRACELOOP_REQUEST_TYPE_KEY, VERCEL_OPERATION_ID_KEY } from './keys.js';

const VERCEL_SCOPE = 'ai';
const LANGFUSE_SCOPE = 'langfuse-sdk';
const TRACELOOP_SCOPE_PREFIX = '@traceloop/';

/** The dialect from the span's markers and instrumentation scope. */
export function dialectOf(attributes: Readonly<Record<string, unknown>>, scopeName: string | undefined): Dialect {
  if (attributes[VERCEL_OPERATION_ID_KEY] !== undefined || scopeName === VERCEL_SCOPE) return 'vercel_ai';
  if (attributes[OPENINFERENCE_KIND_KEY] !== undefined) return 'openinference';
  if (attributes[LANGFUSE_TYPE_KEY] !== undefined || scopeName === LANGFUSE_SCOPE) return 'langfuse';
  if (
    scopeName?.startsWith(TRACELOOP_SCOPE_PREFIX) === true ||
    attributes[TRACELOOP_KIND_KEY] !== undefined ||
    attributes[TRACELOOP_REQUEST_TYPE_KEY] !== undefined
  ) {
    return 'openllmetry';
  }
  return 'gen_ai';
}
