import { didYouMean } from '../did-you-mean.js';

/**
 * A person-readable message for what node:util parseArgs threw, in place of its raw text
 * ("To specify a positional argument starting with a '-', place it at the end..."):
 * an unknown flag names the closest known one.
 */
export function argsErrorMessage(err: unknown, options: Readonly<Record<string, { type: string; short?: string }>>): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /Unknown option '([^']+)'/.exec(message)?.[1] ?? '';
    const known = Object.keys(options).map((name) => `--${name}`);
    const guess = flag.startsWith('--') ? didYouMean(flag.slice(2), Object.keys(options)) : undefined;
    return `unknown option ${flag}${guess === undefined ? '' : ` (did you mean --${guess}?)`}; options: ${known.join(', ')}`;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /Option '(?:-\w, )?(--[\w-]+)/.exec(message)?.[1];
    if (flag !== undefined && options[flag.slice(2)]?.type === 'string') return `${flag} needs a value, e.g. ${flag} VALUE`;
    if (flag !== undefined) return `${flag} takes no value`;
  }
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /Unexpected argument '([^']*)'/.exec(message)?.[1];
    return `unexpected argument ${JSON.stringify(arg ?? '')}: this command takes only --options`;
  }
  return message;
}
