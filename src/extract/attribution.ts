// Attribution from enclosing spans (DESIGN.md, "Attribution"): a call inherits the agent,
// session, user and configured dimensions from its nearest ancestor span that has them; its
// own values win. This reads one span's own values, with the extractor's keys and precedence,
// and merges them over what its parent inherited.

import { AGENT_KEYS, SESSION_KEYS, USER_KEYS } from './keys.js';
import { INVALID, readDimension, readLabel } from './numbers.js';

/** What a span passes on to the spans under it. Fields without a value are undefined. */
export interface Attribution {
  readonly agentName: string | undefined;
  readonly sessionId: string | undefined;
  readonly userId: string | undefined;
  /** Configured dimension -> value, only those found; undefined when none. */
  readonly dimensions: Readonly<Record<string, string>> | undefined;
}

type Attributes = Readonly<Record<string, unknown>>;

export class AttributionReader {
  private readonly dimensionKeys: readonly string[];
  /** Every key read here, for one pass over a span's keys before any look-up. */
  private readonly keys: ReadonlySet<string>;

  constructor(dimensionKeys: readonly string[]) {
    this.dimensionKeys = [...dimensionKeys];
    this.keys = new Set([...AGENT_KEYS, ...SESSION_KEYS, ...USER_KEYS, ...dimensionKeys]);
  }

  /**
   * The span's own values (span attributes only: resource attributes are the same for every
   * span of a process and are read by the extractor last). undefined when it has none, so
   * that a span without any allocates nothing. Garbage reads as absent here: the extractor
   * reports it on the span's own call.
   */
  read(a: Attributes): Attribution | undefined {
    // Most spans (HTTP, database, ...) have none of these keys: one pass over their few keys
    // is cheaper than a look-up of each of ours (measured: ~70 vs ~250 ns for an HTTP span with 5 attributes).
    if (!this.hasAny(a)) return undefined;
    const agentName = label(a, AGENT_KEYS);
    const sessionId = label(a, SESSION_KEYS);
    const userId = label(a, USER_KEYS);
    let dimensions: Record<string, string> | undefined;
    for (const key of this.dimensionKeys) {
      const raw = a[key];
      if (raw === undefined || raw === null) continue;
      const value = readDimension(raw);
      if (value === INVALID || value === undefined) continue;
      (dimensions ??= {})[key] = value;
    }
    if (agentName === undefined && sessionId === undefined && userId === undefined && dimensions === undefined) return undefined;
    return { agentName, sessionId, userId, dimensions };
  }

  private hasAny(a: Attributes): boolean {
    for (const key in a) if (this.keys.has(key)) return true;
    return false;
  }

  /** `own` over `inherited`, field by field (and dimension by dimension). */
  merge(own: Attribution | undefined, inherited: Attribution | undefined): Attribution | undefined {
    if (own === undefined) return inherited;
    if (inherited === undefined) return own;
    return {
      agentName: own.agentName ?? inherited.agentName,
      sessionId: own.sessionId ?? inherited.sessionId,
      userId: own.userId ?? inherited.userId,
      dimensions: own.dimensions === undefined ? inherited.dimensions : inherited.dimensions === undefined ? own.dimensions : { ...inherited.dimensions, ...own.dimensions },
    };
  }
}

/** The first present key's value (as the extractor reads it); garbage there -> undefined. */
function label(a: Attributes, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const raw = a[key];
    if (raw === undefined || raw === null || raw === '') continue;
    const value = readLabel(raw);
    return value === INVALID ? undefined : value;
  }
  return undefined;
}
