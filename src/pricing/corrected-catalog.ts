import { findProvider } from '@pydantic/genai-prices';
import type { ModelInfo } from '@pydantic/genai-prices';
import { CORRECTIONS } from './corrections.js';
import type { Correction } from './corrections.js';

/** JSON with object keys sorted, so that equal prices compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const byEntry = new Map<string, Correction>(CORRECTIONS.map((c) => [`${c.provider}\u0000${c.model}`, c]));

/**
 * The correction for a catalog entry, when there is one and the catalog still holds the prices
 * it corrects. A catalog that changed the entry in any way (newer data) gets none.
 */
export function correctionFor(providerId: string, model: ModelInfo): Correction | undefined {
  const correction = byEntry.get(`${providerId}\u0000${model.id}`);
  if (correction === undefined) return undefined;
  return canonical(model.prices) === canonical(correction.stale) ? correction : undefined;
}

/** The catalog entry with the correction's prices. */
export function correctedModel(model: ModelInfo, correction: Correction): ModelInfo {
  return { ...model, prices: correction.prices };
}

/** A correction and whether the catalog in use needs it. */
export interface CorrectionStatus {
  correction: Correction;
  /** applies: the catalog still has the stale prices; superseded: it has other prices now; missing: no such entry. */
  status: 'applies' | 'superseded' | 'missing';
}

/** Every correction with its status against the catalog loaded now. */
export function correctionStatuses(): CorrectionStatus[] {
  return CORRECTIONS.map((correction) => {
    const model = findProvider({ providerId: correction.provider })?.models.find((m) => m.id === correction.model);
    if (model === undefined) return { correction, status: 'missing' };
    return { correction, status: correctionFor(correction.provider, model) === undefined ? 'superseded' : 'applies' };
  });
}
