// One model request recorded by two instrumentations whose spans are NOT nested, e.g. the
// OpenInference LangChain LLM span and the OpenAI client span under it: LangChain's tracer
// never makes its span active, so the client span hangs off an outer span and "deepest wins"
// cannot see the pair. Matched here instead: same trace, different instrumentation scope, a
// shared model name, and one span's time range inside the other's. Each counted span can
// absorb at most one copy, so N parallel calls still count N times.

import type { LlmCall } from '../types.js';

interface CountedCopy {
  scope: string | undefined;
  requestModel: string | undefined;
  responseModel: string | undefined;
  startTimeMs: number;
  endTimeMs: number;
  claimed: boolean;
}

/** Counted calls remembered per trace; the oldest are dropped beyond this. */
const MAX_PER_TRACE = 64;

function sharesModel(a: CountedCopy, call: LlmCall): boolean {
  const models = [call.requestModel, call.responseModel];
  return (
    (a.requestModel !== undefined && models.includes(a.requestModel)) ||
    (a.responseModel !== undefined && models.includes(a.responseModel))
  );
}

function nestedInTime(a: CountedCopy, call: LlmCall): boolean {
  const aInside = a.startTimeMs >= call.startTimeMs && a.endTimeMs <= call.endTimeMs;
  const callInside = call.startTimeMs >= a.startTimeMs && call.endTimeMs <= a.endTimeMs;
  return aInside || callInside;
}

export class UnnestedCopies {
  private young = new Map<string, CountedCopy[]>();
  private old = new Map<string, CountedCopy[]>();
  private readonly generationSize: number;

  /** capacity: traces remembered at most (two generations together). */
  constructor(capacity: number) {
    this.generationSize = Math.max(1, Math.floor(capacity / 2));
  }

  /** Traces held. */
  get size(): number {
    return this.young.size + this.old.size;
  }

  /**
   * true when `call` is a copy of a call already counted in its trace by another scope;
   * that counted call is then used up.
   */
  claim(call: LlmCall, scope: string | undefined): boolean {
    const copies = this.young.get(call.traceId) ?? this.old.get(call.traceId);
    if (copies === undefined) return false;
    for (const counted of copies) {
      if (!counted.claimed && counted.scope !== scope && sharesModel(counted, call) && nestedInTime(counted, call)) {
        counted.claimed = true;
        return true;
      }
    }
    return false;
  }

  /** Remembers a counted call so that a later copy of it can be matched. */
  remember(call: LlmCall, scope: string | undefined): void {
    let copies = this.young.get(call.traceId);
    if (copies === undefined) {
      copies = this.old.get(call.traceId) ?? [];
      this.old.delete(call.traceId);
      if (this.young.size >= this.generationSize) {
        this.old = this.young;
        this.young = new Map();
      }
      this.young.set(call.traceId, copies);
    }
    if (copies.length >= MAX_PER_TRACE) copies.shift();
    copies.push({
      scope,
      requestModel: call.requestModel,
      responseModel: call.responseModel,
      startTimeMs: call.startTimeMs,
      endTimeMs: call.endTimeMs,
      claimed: false,
    });
  }
}
