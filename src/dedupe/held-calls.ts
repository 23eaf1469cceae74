// In-process, a call is decided when its span ends, but another instrumentation's copy of it
// may still be open: LangChain's LLM span around the OpenAI client's span, an OpenInference
// span over the Anthropic SDK's own. So a counted call is held while any span of its trace that
// may be a call (Extractor.mayBeCall at its start) is open. When a copy of it is decided, the
// richer of the two (richness.ts) is recorded at once; a call no copy came for is recorded once
// its trace has no such span open. A trace with one call at a time holds nothing.
//
// Bounded (STYLE rule 4), and nothing is lost: past `maxOpen` open spans the oldest is
// forgotten; past `maxHeld` held calls, or after `maxHoldMs`, the oldest trace's calls are
// recorded as they are. Each of these is reported through `onEarly`. A timer, armed only while
// a call is held, records calls past `maxHoldMs` even when no other span ends (an idle app
// whose enclosing span never ends).

import type { LlmCall } from '../types.js';
import { richerCopy, sharesModel } from './richness.js';

export type EarlyReason = 'open_cap' | 'held_cap' | 'timeout';

/** A call held for an open copy of it is recorded after this long at most. */
export const MAX_HOLD_MS = 60_000;

/** What each bound means, for the pipeline's diag line. */
export const HELD_EARLY: Record<EarlyReason, string> = {
  open_cap: 'too many LLM spans open at once to track them all; the oldest is forgotten, so a copy of a call may be counted at the poorer copy\'s price',
  held_cap: 'too many calls waiting for an open copy of theirs to end; the oldest are recorded as they are',
  timeout: `a call waited more than ${MAX_HOLD_MS / 1000} s for an open copy of it to end (a span never ended?); recorded as it is`,
};

export interface HeldCallsOptions {
  /** Open call spans tracked at most. */
  maxOpen: number;
  /** Calls held at most. */
  maxHeld: number;
  /** A call held this long is recorded at the next span end or flush. */
  maxHoldMs: number;
  clock: () => number;
  /** Records a call (the pipeline's price-and-sink step). */
  record: (call: LlmCall) => void;
  /** A bound was hit: calls recorded before their trace closed, or an open span forgotten. */
  onEarly: (reason: EarlyReason, n: number) => void;
}

interface Held {
  /** The span id the deduper counted; its copies name it (Deduper.copyOf). */
  readonly countedSpanId: string;
  readonly call: LlmCall;
  readonly sinceMs: number;
}

export class HeldCalls {
  /** Open call spans: span id -> trace id, oldest first. */
  private readonly open = new Map<string, string>();
  private readonly openByTrace = new Map<string, number>();
  /** Held calls by trace id, the trace held longest first. */
  private readonly held = new Map<string, Held[]>();
  private heldCount = 0;
  /** Set while a call is held: fires when the oldest held call reaches maxHoldMs. */
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly opts: HeldCallsOptions) {}

  /** Calls held now. */
  get size(): number {
    return this.heldCount;
  }

  /** A span that may be a call started. */
  started(spanId: string, traceId: string): void {
    if (this.open.size >= this.opts.maxOpen) {
      // Spans that never end would otherwise fill the map: forget the oldest.
      const [oldId, oldTrace] = this.open.entries().next().value as [string, string];
      this.open.delete(oldId);
      this.closeOne(oldTrace);
      this.opts.onEarly('open_cap', 1);
    }
    if (this.open.has(spanId)) return;
    this.open.set(spanId, traceId);
    this.openByTrace.set(traceId, (this.openByTrace.get(traceId) ?? 0) + 1);
  }

  /** A span ended (one not tracked is ignored). Returns its trace id when it was tracked. */
  ended(spanId: string): string | undefined {
    if (this.open.size === 0) return undefined;
    const traceId = this.open.get(spanId);
    if (traceId === undefined) return undefined;
    this.open.delete(spanId);
    this.closeOne(traceId);
    return traceId;
  }

  /** Whether a span of the trace that may be a call is open. */
  anyOpen(traceId: string): boolean {
    return this.openByTrace.size > 0 && this.openByTrace.has(traceId);
  }

  /** Holds a counted call while a span of its trace that may be a copy is open; false: record it now. */
  hold(call: LlmCall): boolean {
    if (!this.anyOpen(call.traceId)) return false;
    const entry: Held = { countedSpanId: call.spanId, call, sinceMs: this.opts.clock() };
    const calls = this.held.get(call.traceId);
    if (calls === undefined) this.held.set(call.traceId, [entry]);
    else calls.push(entry);
    if (++this.heldCount > this.opts.maxHeld) this.recordOldest('held_cap');
    this.armTimer();
    return true;
  }

  /**
   * A call not counted because it copies a counted call: keeps the richer of the two when that
   * call is still held. `copyOf`: the counted span id when the deduper knows it; otherwise (an
   * LLM span above counted calls) the one held call that is its direct child and shares a model
   * (none or several: nothing is changed, as "deepest wins" keeps several calls apart). Span
   * ids, not times: the SDK's ms-granular start times can put a child's end after its
   * parent's. true when a held call was compared (and recorded).
   */
  offer(copy: LlmCall, copyOf: string | undefined): boolean {
    if (this.heldCount === 0 || copy.role !== 'call') return false;
    const calls = this.held.get(copy.traceId);
    if (calls === undefined) return false;
    let match: Held | undefined;
    for (const h of calls) {
      const isCopy = copyOf !== undefined ? h.countedSpanId === copyOf : h.call.parentSpanId === copy.spanId && h.call.role === 'call' && sharesModel(h.call, copy);
      if (!isCopy) continue;
      if (match !== undefined) return false;
      match = h;
    }
    if (match === undefined) return false;
    // Each counted call has one copy (as in UnnestedCopies): once compared, it is recorded.
    calls.splice(calls.indexOf(match), 1);
    if (calls.length === 0) this.held.delete(copy.traceId);
    this.heldCount--;
    this.opts.record(richerCopy(match.call, copy));
    return true;
  }

  /** After a span of `traceId` was decided: records the trace's calls when none of its call spans is open, and any held too long. */
  settle(traceId: string): void {
    if (this.heldCount === 0) return;
    if (!this.openByTrace.has(traceId) && this.held.has(traceId)) this.recordTrace(traceId);
    this.recordExpired();
  }

  /** Records every held call (flush, shutdown). */
  recordAll(): void {
    for (const traceId of [...this.held.keys()]) this.recordTrace(traceId);
  }

  /** Records what is held and stops the timer (shutdown). */
  close(): void {
    this.recordAll();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private recordExpired(): void {
    if (this.heldCount === 0) return;
    const now = this.opts.clock();
    for (const calls of this.held.values()) {
      if (now - calls[0]!.sinceMs < this.opts.maxHoldMs) break;
      this.recordOldest('timeout');
    }
  }

  /** Arms the timer for the oldest held call, when one is held and no timer is set. */
  private armTimer(): void {
    if (this.timer !== undefined || this.heldCount === 0) return;
    const oldest = this.held.values().next().value as Held[];
    const wait = Math.max(1, oldest[0]!.sinceMs + this.opts.maxHoldMs - this.opts.clock());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.recordExpired();
      this.armTimer();
    }, wait);
    // It never keeps the process alive: shutdown records what is held.
    this.timer.unref?.();
  }

  private closeOne(traceId: string): void {
    const n = this.openByTrace.get(traceId) ?? 0;
    if (n <= 1) this.openByTrace.delete(traceId);
    else this.openByTrace.set(traceId, n - 1);
  }

  private recordOldest(reason: EarlyReason): void {
    const traceId = this.held.keys().next().value as string;
    const n = this.held.get(traceId)!.length;
    this.recordTrace(traceId);
    this.opts.onEarly(reason, n);
  }

  private recordTrace(traceId: string): void {
    const calls = this.held.get(traceId);
    if (calls === undefined) return;
    this.held.delete(traceId);
    this.heldCount -= calls.length;
    for (const h of calls) this.opts.record(h.call);
  }
}
