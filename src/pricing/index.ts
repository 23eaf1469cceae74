export { PriceBook } from './price-book.js';
export type { PriceExplanation } from './price-book.js';
export { providerToCatalogId } from './provider-map.js';
export { validatePrices } from './options.js';
export type { CustomModelPrice, PricesOptions } from './options.js';
