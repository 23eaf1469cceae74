import { readFileSync } from 'node:fs';
import { REMOTE_DATA_JSON_URL, updatePrices } from '@pydantic/genai-prices';
import { ConfigError } from '../config-error.js';

const FIELD = 'prices.catalogFile';
/**
 * The file to use: the one the installed library itself would fetch (REMOTE_DATA_JSON_URL,
 * `prices/new_data/v2/data.json` for 0.1.8). The repository's older `prices/data.json` is a
 * provider list too, but without the 1-hour cache-write and web-search prices: it loads, and
 * the corrections written against the bundled entries (claude-sonnet-4-0) then step aside
 * without the file having their fix.
 */
const GET_IT = `download the file @pydantic/genai-prices itself reads, ${REMOTE_DATA_JSON_URL}`;

/**
 * Replaces the catalog @pydantic/genai-prices prices from with a newer data file (a list of
 * providers, the shape of the library's REMOTE_DATA_JSON_URL). The catalog is the library's,
 * so this is process-wide. Throws ConfigError for a file that cannot be read or is not a
 * provider list.
 */
export function loadCatalogFile(path: string): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(FIELD, `cannot read ${path}: ${(error as Error).message}`, `point it at a file that exists; ${GET_IT}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(FIELD, `${path} is not JSON: ${(error as Error).message}`, GET_IT);
  }
  const valid =
    Array.isArray(data) &&
    data.length > 0 &&
    data.every((p: unknown) => typeof p === 'object' && p !== null && typeof (p as { id?: unknown }).id === 'string' && Array.isArray((p as { models?: unknown }).models));
  if (!valid) {
    throw new ConfigError(FIELD, `${path} is not a list of genai-prices providers ({ id, models: [...] })`, GET_IT);
  }
  try {
    updatePrices(({ setProviderData }) => setProviderData(data as Parameters<typeof setProviderData>[0]));
  } catch (error) {
    throw new ConfigError(FIELD, `genai-prices rejected ${path}: ${(error as Error).message}`, `use a file written for the installed @pydantic/genai-prices; ${GET_IT}`);
  }
}
