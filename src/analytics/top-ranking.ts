// Honest top-n lists from a Space-Saving sketch (issue 18, item 6). The sketch bounds every
// entry's true weight to [weight - error, weight], and once it has dropped ids, any id it does
// not hold weighs at most its lightest entry. With a million one-call sessions every entry
// carries an error about as large as its weight, so its order says nothing; printing it as
// "the top sessions" would present noise as a ranking.
//
// So a list is called exact only when those bounds prove it: each listed entry's lower bound is
// at least the next one's upper bound, and the last one's lower bound is at least what any
// unlisted id may weigh. When the bounds alone do not prove it and the ledger can give exact
// figures for some ids (sessions, through the ledger's session index), the candidates are looked
// up there (a few indexed look-ups, never a scan: an exact GROUP BY over a 1M-call ledger took
// 0.9 to 1.2 s on the 2-core test host, too slow for every page refresh) and the test is made
// again with their exact costs, looking further down the sketch up to 4n candidates. Failing
// that, the list is returned marked approximate, with the most an unlisted id may have cost.
import type { HeavyHitter } from '../store/rows.js';
import type { TopEntry } from './query-types.js';

export interface RankingInput {
  /** The sketch's entries, heaviest first (SpaceSaving.top). */
  entries: readonly HeavyHitter[];
  /** The sketch holds as many entries as it can: ids may have been dropped. */
  full: boolean;
  n: number;
  /**
   * Exact cost, calls and unpriced calls of these ids, or undefined when there is no exact source
   * (users: the ledger has no index by user). Only called when the sketch's bounds do not settle the list.
   */
  exactOf?: (ids: readonly string[]) => ReadonlyMap<string, ExactFigures>;
  /** Ids that entered the sketch before this time (epoch ms) may have calls the ledger no longer holds: not looked up. */
  exactFromMs?: number;
}

/** An id's figures from an exact source (the ledger). */
export interface ExactFigures {
  costUsd: number;
  calls: number;
  unpricedCalls: number;
}

/** How many candidates (times n) are looked up at most. */
const MAX_CANDIDATES_FACTOR = 4;
/** Sums of the same costs in another order differ in the last bits. */
const EPS = 1e-9;

interface Candidate {
  entry: HeavyHitter;
  lo: number;
  hi: number;
  calls: number;
  unpricedCalls: number;
  exact: boolean;
}

const atLeast = (a: number, b: number): boolean => a >= b - EPS * Math.max(1, Math.abs(b));

function byUpperBound(a: Candidate, b: Candidate): number {
  return b.hi - a.hi || b.lo - a.lo || (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0);
}

/** The first n of `ranked` are provably the n heaviest, in order, if nothing outside weighs more than `outside`. */
function proven(ranked: readonly Candidate[], n: number, outside: number): boolean {
  const listed = Math.min(n, ranked.length);
  for (let i = 0; i + 1 < listed; i++) if (!atLeast(ranked[i]!.lo, ranked[i + 1]!.hi)) return false;
  if (listed === 0) return true;
  let rest = outside;
  for (let i = listed; i < ranked.length; i++) rest = Math.max(rest, ranked[i]!.hi);
  return atLeast(ranked[listed - 1]!.lo, rest);
}

export function rankTop(input: RankingInput): TopEntry[] {
  const { entries, n } = input;
  // Any id the sketch dropped or never held weighs at most its lightest entry.
  const unheld = input.full && entries.length > 0 ? entries[entries.length - 1]!.weight : 0;
  const fromSketch = (e: HeavyHitter): Candidate => ({ entry: e, lo: e.weight - e.error, hi: e.weight, calls: e.calls, unpricedCalls: e.unpricedCalls, exact: e.error === 0 });
  const limit = Math.min(entries.length, n * MAX_CANDIDATES_FACTOR);
  const known = new Map<string, ExactFigures>();
  let count = Math.min(entries.length, n);
  let ranked: Candidate[] = [];
  let outside = unheld;
  for (let round = 0; ; round++) {
    outside = Math.max(unheld, count < entries.length ? entries[count]!.weight : 0);
    ranked = entries.slice(0, count).map((e) => {
      const x = known.get(e.id);
      // Cost, calls and unpriced calls all from the ledger, so that they agree.
      return x === undefined ? fromSketch(e) : { entry: e, lo: x.costUsd, hi: x.costUsd, calls: x.calls, unpricedCalls: x.unpricedCalls, exact: true };
    }).sort(byUpperBound);
    if (proven(ranked, n, outside) || input.exactOf === undefined) break;
    if (round > 0 && count >= limit) break;
    if (round > 0) count = Math.min(limit, count * 2);
    const from = input.exactFromMs ?? Number.NEGATIVE_INFINITY;
    const ask = entries.slice(0, count).filter((e) => !known.has(e.id) && e.firstMs >= from).map((e) => e.id);
    // An id the ledger does not hold (pruned, or not yet written) keeps its sketch bounds.
    for (const [id, x] of input.exactOf(ask)) if (x.calls > 0) known.set(id, x);
  }
  const listed = ranked.slice(0, n);
  const rankingExact = proven(ranked, n, outside);
  let unlistedMaxUsd = outside;
  for (let i = n; i < ranked.length; i++) unlistedMaxUsd = Math.max(unlistedMaxUsd, ranked[i]!.hi);
  return listed.map((c) => ({
    id: c.entry.id,
    costUsd: c.hi,
    errorUsd: c.hi - c.lo,
    exact: c.exact,
    calls: c.calls,
    unpricedCalls: c.unpricedCalls,
    firstMs: c.entry.firstMs,
    lastMs: c.entry.lastMs,
    rankingExact,
    unlistedMaxUsd,
  }));
}

/** The line the text reports print under a list the sketch cannot rank; undefined for an exact ranking. */
export function rankingNote(rows: readonly TopEntry[]): string | undefined {
  const first = rows[0];
  if (first === undefined || first.rankingExact) return undefined;
  const bound = first.unlistedMaxUsd;
  return `  (not a ranking: too many of similar cost for the top-K sketch to tell apart; one not listed may have cost up to $${bound.toFixed(bound !== 0 && bound < 0.01 ? 6 : 2)})`;
}
