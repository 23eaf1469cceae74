// One model request recorded by two instrumentations whose spans are NOT nested, e.g. the
// OpenInference LangChain LLM span and the OpenAI client span under it: LangChain's tracer
// never makes its span active, so the client span hangs off an outer span and "deepest wins"
// cannot see the pair. Matched here instead: same trace, different instrumentation scope, a
// shared model name, and one span's time range inside the other's. Each counted span can
// absorb at most one copy, so N parallel calls still count N times.

import type { LlmCall } from '../types.js';
import { hexOfWords, parseHex } from './hex-words.js';

const NONE = -1;
/** Distinct model names kept as shared instances (see canonicalModel). */
const MAX_MODELS = 1024;
const NO_SCOPE_YET = Symbol('no scope yet');

/**
 * The last `capacity` counted calls in a ring of parallel arrays (no object per call: this
 * runs for every counted call), each slot linked to the previous slot of its trace.
 *
 * A copy always comes from a second instrumentation scope. Until a second scope shows up
 * the ring is only written (no per-trace index, no look-ups); the first call from another
 * scope builds the index from the ring, so the first pair is matched too.
 *
 * The ring holds no string of its own per call while unindexed: a string kept for `capacity`
 * calls is promoted to the old generation, which at a collector's rate made every scavenge
 * slower. Trace ids are kept as words (as strings only once indexed, or when not 32 lower-case
 * hex characters) and model names as one shared instance per name.
 */
export class UnnestedCopies {
  /** Trace id per slot when it is not in traceWords; every trace id once indexed. */
  private readonly traceIds: (string | undefined)[];
  /** Trace id per slot as four words, when parsed (inWords). */
  private readonly traceWords: Int32Array;
  private readonly inWords: Uint8Array;
  private readonly models = new Map<string, string>();
  private readonly scopes: (string | undefined)[];
  private readonly requestModels: (string | undefined)[];
  private readonly responseModels: (string | undefined)[];
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private readonly claimed: Uint8Array;
  private readonly previous: Int32Array;
  /** traceId -> newest slot of that trace. */
  private readonly newest = new Map<string, number>();
  private next = 0;
  private firstScope: string | undefined | typeof NO_SCOPE_YET = NO_SCOPE_YET;
  private indexed = false;

  /** capacity: counted calls remembered at most. */
  constructor(private readonly capacity: number) {
    this.traceIds = new Array<string | undefined>(capacity).fill(undefined);
    this.traceWords = new Int32Array(4 * capacity);
    this.inWords = new Uint8Array(capacity);
    this.scopes = new Array<string | undefined>(capacity).fill(undefined);
    this.requestModels = new Array<string | undefined>(capacity).fill(undefined);
    this.responseModels = new Array<string | undefined>(capacity).fill(undefined);
    this.starts = new Float64Array(capacity);
    this.ends = new Float64Array(capacity);
    this.claimed = new Uint8Array(capacity);
    this.previous = new Int32Array(capacity).fill(NONE);
  }

  /** Traces held. */
  get size(): number {
    return this.newest.size;
  }

  /**
   * true when `call` is a copy of a call already counted in its trace by another scope;
   * that counted call is then used up.
   */
  claim(call: LlmCall, scope: string | undefined): boolean {
    if (!this.indexed) {
      if (this.firstScope === NO_SCOPE_YET || this.firstScope === scope) return false;
      this.buildIndex();
    }
    let slot = this.newest.get(call.traceId) ?? NONE;
    while (slot !== NONE) {
      if (this.claimed[slot] === 0 && this.scopes[slot] !== scope && this.sharesModel(slot, call) && this.nestedInTime(slot, call)) {
        this.claimed[slot] = 1;
        return true;
      }
      slot = this.previous[slot]!;
    }
    return false;
  }

  /** Remembers a counted call so that a later copy of it can be matched. */
  remember(call: LlmCall, scope: string | undefined): void {
    if (this.firstScope === NO_SCOPE_YET) this.firstScope = scope;
    else if (!this.indexed && scope !== this.firstScope) this.buildIndex();
    const slot = this.next;
    this.next = slot + 1 === this.capacity ? 0 : slot + 1;
    if (this.indexed) this.evict(slot);
    const traceId = call.traceId;
    const words = !this.indexed && traceId.length === 32 && parseHex(traceId, 4, this.traceWords, 4 * slot);
    this.inWords[slot] = words ? 1 : 0;
    this.traceIds[slot] = words ? undefined : traceId;
    this.scopes[slot] = scope;
    this.requestModels[slot] = this.canonicalModel(call.requestModel);
    this.responseModels[slot] = this.canonicalModel(call.responseModel);
    this.starts[slot] = call.startTimeMs;
    this.ends[slot] = call.endTimeMs;
    this.claimed[slot] = 0;
    if (this.indexed) {
      this.previous[slot] = this.newest.get(traceId) ?? NONE;
      this.newest.set(traceId, slot);
    }
  }

  /** Links the slots held, oldest first, into the per-trace index; from now on it is kept up. */
  private buildIndex(): void {
    this.indexed = true;
    for (let k = 0; k < this.capacity; k++) {
      const slot = (this.next + k) % this.capacity;
      if (this.inWords[slot] === 1) {
        this.traceIds[slot] = hexOfWords(this.traceWords, 4 * slot, 4);
        this.inWords[slot] = 0;
      }
      const traceId = this.traceIds[slot];
      if (traceId === undefined) continue;
      this.previous[slot] = this.newest.get(traceId) ?? NONE;
      this.newest.set(traceId, slot);
    }
  }

  /** Frees the oldest slot; its trace forgets it (older slots of that trace are gone already). */
  private evict(slot: number): void {
    const traceId = this.traceIds[slot];
    if (traceId === undefined) return;
    if (this.newest.get(traceId) === slot) this.newest.delete(traceId);
    else this.unlink(traceId, slot);
    this.traceIds[slot] = undefined;
  }

  private unlink(traceId: string, slot: number): void {
    let at = this.newest.get(traceId) ?? NONE;
    while (at !== NONE && this.previous[at] !== slot) at = this.previous[at]!;
    if (at !== NONE) this.previous[at] = NONE;
  }

  /** The instance of `model` the ring already holds, so that the ring keeps no per-call copy. */
  private canonicalModel(model: string | undefined): string | undefined {
    if (model === undefined) return undefined;
    const known = this.models.get(model);
    if (known !== undefined) return known;
    if (this.models.size < MAX_MODELS) this.models.set(model, model);
    return model;
  }

  private sharesModel(slot: number, call: LlmCall): boolean {
    const req = this.requestModels[slot];
    const resp = this.responseModels[slot];
    return (
      (req !== undefined && (req === call.requestModel || req === call.responseModel)) ||
      (resp !== undefined && (resp === call.requestModel || resp === call.responseModel))
    );
  }

  private nestedInTime(slot: number, call: LlmCall): boolean {
    const start = this.starts[slot]!;
    const end = this.ends[slot]!;
    return (start >= call.startTimeMs && end <= call.endTimeMs) || (call.startTimeMs >= start && call.endTimeMs <= end);
  }
}
