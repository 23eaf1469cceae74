// Turns an emitter's counts into the inclusive totals LlmCall holds (DESIGN.md, cache semantics).

import type { Inclusion } from './emitter-rules.js';

/**
 * total + part when the emitter's total excludes the part ('no', or 'infer' with
 * total < part); total as-is otherwise. undefined stays undefined (unknown is not zero).
 * Returns NaN when the sum is no longer a safe integer, for the caller to treat as garbage.
 */
export function includePart(total: number | undefined, part: number, inclusion: Inclusion): number | undefined {
  if (total === undefined) return undefined;
  const add = inclusion === 'no' || (inclusion === 'infer' && total < part);
  if (!add) return total;
  const sum = total + part;
  return Number.isSafeInteger(sum) ? sum : Number.NaN;
}
