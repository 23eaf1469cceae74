import { calcPrice } from '@pydantic/genai-prices';
import type { ModelInfo } from '@pydantic/genai-prices';

/** A catalog model found for a (provider, model) pair, and how it was looked up. */
export interface CatalogMatch {
  /** genai-prices provider id of the entry used (e.g. 'azure' for an Azure call priced from openai's list). */
  providerId: string;
  model: ModelInfo;
  /** The arguments that found it, for calling calcPrice directly on rare inputs. */
  lookupModel: string;
  lookupProviderId: string | undefined;
}

const EPOCH = new Date(0);

function lookup(model: string, providerId: string | undefined): CatalogMatch | undefined {
  // calcPrice with an empty usage is the catalog's own lookup (provider match, model match,
  // fallback providers, dated-name normalization); the time only picks a price variant.
  const result = calcPrice({}, model, providerId === undefined ? { timestamp: EPOCH } : { providerId, timestamp: EPOCH });
  if (result === null) return undefined;
  return { providerId: result.provider.id, model: result.model, lookupModel: model, lookupProviderId: providerId };
}

/**
 * Finds `model` in the catalog, first under `providerId` (a genai-prices id) and, when that
 * provider does not list it, by the model id alone. Returns undefined for an unknown model,
 * 'error' when the catalog entry itself cannot be priced.
 */
export function findCatalogModel(model: string, providerId: string | undefined): CatalogMatch | 'error' | undefined {
  try {
    const match = providerId === undefined ? undefined : lookup(model, providerId);
    return match ?? lookup(model, undefined);
  } catch {
    return 'error';
  }
}
