import { readFileSync } from 'node:fs';
import { updatePrices } from '@pydantic/genai-prices';
import { ConfigError } from '../config-error.js';

const FIELD = 'prices.catalogFile';

/**
 * Replaces the catalog @pydantic/genai-prices prices from with a newer data file: its
 * `prices/data.json` (a list of providers, the shape of the library's REMOTE_DATA_JSON_URL).
 * The catalog is the library's, so this is process-wide. Throws ConfigError for a file that
 * cannot be read or is not a provider list.
 */
export function loadCatalogFile(path: string): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(FIELD, `cannot read ${path}: ${(error as Error).message}`, 'point it at a genai-prices data.json file that exists');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(FIELD, `${path} is not JSON: ${(error as Error).message}`, 'use the data.json of the genai-prices repository (prices/data.json)');
  }
  const valid =
    Array.isArray(data) &&
    data.length > 0 &&
    data.every((p: unknown) => typeof p === 'object' && p !== null && typeof (p as { id?: unknown }).id === 'string' && Array.isArray((p as { models?: unknown }).models));
  if (!valid) {
    throw new ConfigError(FIELD, `${path} is not a list of genai-prices providers ({ id, models: [...] })`, 'use the data.json of the genai-prices repository (prices/data.json)');
  }
  try {
    updatePrices(({ setProviderData }) => setProviderData(data as Parameters<typeof setProviderData>[0]));
  } catch (error) {
    throw new ConfigError(FIELD, `genai-prices rejected ${path}: ${(error as Error).message}`, 'use a data.json written for @pydantic/genai-prices');
  }
}
