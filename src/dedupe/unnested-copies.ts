// One model request recorded by two instrumentations whose spans are NOT nested, e.g. the
// OpenInference LangChain LLM span and the OpenAI client span under it: LangChain's tracer
// never makes its span active, so the client span hangs off an outer span and "deepest wins"
// cannot see the pair. Matched here instead: same trace, different instrumentation scope, a
// shared model name, and one span's time range inside the other's. Each counted span can
// absorb at most one copy, so N parallel calls still count N times.

import type { LlmCall } from '../types.js';
import { nestedInTime, sharesModel } from './richness.js';

const NO_SCOPE = Symbol('no scope yet');
const MANY_SCOPES = Symbol('many scopes');

/** A counted call, as a later copy of it is matched against. */
interface Counted {
  spanId: string;
  scope: string | undefined;
  requestModel: string | undefined;
  responseModel: string | undefined;
  startTimeMs: number;
  endTimeMs: number;
  claimed: boolean;
}

/**
 * The last counted calls by trace id, in two generations of Map (the older dropped whole when
 * the younger holds capacity / 2 calls), so at most `capacity` calls are held.
 */
export class UnnestedCopies {
  private young = new Map<string, Counted[]>();
  private old = new Map<string, Counted[]>();
  private youngCalls = 0;
  private readonly generationSize: number;
  /** The one scope every call remembered so far came from; MANY_SCOPES once two were seen. */
  private onlyScope: string | undefined | typeof MANY_SCOPES | typeof NO_SCOPE = NO_SCOPE;

  /** capacity: counted calls remembered at most. */
  constructor(capacity: number) {
    this.generationSize = Math.max(1, Math.floor(capacity / 2));
  }

  /** Traces held. */
  get size(): number {
    let n = this.young.size;
    for (const traceId of this.old.keys()) if (!this.young.has(traceId)) n++;
    return n;
  }

  /**
   * When `call` is a copy of a call already counted in its trace by another scope: that
   * counted call's span id (it is then used up). The newest candidate is taken first.
   */
  claim(call: LlmCall, scope: string | undefined): string | undefined {
    // A copy comes from another scope: while all calls held came from this one, nothing matches.
    if (this.onlyScope === NO_SCOPE || this.onlyScope === scope) return undefined;
    return claimIn(this.young.get(call.traceId), call, scope) ?? claimIn(this.old.get(call.traceId), call, scope);
  }

  /** Remembers a counted call so that a later copy of it can be matched. */
  remember(call: LlmCall, scope: string | undefined): void {
    if (this.onlyScope === NO_SCOPE) this.onlyScope = scope;
    else if (this.onlyScope !== scope) this.onlyScope = MANY_SCOPES;
    if (this.youngCalls >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
      this.youngCalls = 0;
    }
    const counted: Counted = {
      spanId: call.spanId,
      scope,
      requestModel: call.requestModel,
      responseModel: call.responseModel,
      startTimeMs: call.startTimeMs,
      endTimeMs: call.endTimeMs,
      claimed: false,
    };
    const calls = this.young.get(call.traceId);
    if (calls === undefined) this.young.set(call.traceId, [counted]);
    else calls.push(counted);
    this.youngCalls++;
  }
}

/** Uses up the newest unclaimed call of `calls` that `call` is a copy of; its span id. */
function claimIn(calls: Counted[] | undefined, call: LlmCall, scope: string | undefined): string | undefined {
  if (calls === undefined) return undefined;
  for (let i = calls.length - 1; i >= 0; i--) {
    const held = calls[i]!;
    if (!held.claimed && held.scope !== scope && sharesModel(held, call) && nestedInTime(held, call)) {
      held.claimed = true;
      return held.spanId;
    }
  }
  return undefined;
}
