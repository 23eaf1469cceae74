import { ConfigError } from '../../src/config-error.js';
import { thrown } from './thrown.js';

/** The ConfigError that `fn` throws; fails the test when it throws nothing or something else. */
export function configError(fn: () => unknown): ConfigError {
  return thrown(fn, ConfigError);
}
