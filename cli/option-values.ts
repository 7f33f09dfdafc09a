import { isAbsolute, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';

/** Whole numbers as people write them: no sign, hex, exponent, padding or leading zeros. */
const INTEGER = /^(?:0|[1-9]\d*)$/;
/** Decimals such as `0.7`, `.5` or `1`: no hex, exponent, padding or leading zeros. */
const DECIMAL = /^(?:(?:0|[1-9]\d*)(?:\.\d+)?|\.\d+)$/;

/**
 * A commander parser for a flag that may be given once: a repeat is an error instead of the last value
 * silently winning.
 */
export function once<T>(parse: (text: string) => T): (text: string, previous: T | undefined) => T {
  return (text, previous) => {
    if (previous !== undefined) throw new InvalidArgumentError('it was given more than once; give it once.');
    return parse(text);
  };
}

/** Parses a whole number strictly (`0x10`, `1e3`, ` 10` and `010` are refused). */
export function integer(text: string): number {
  if (!INTEGER.test(text)) throw new InvalidArgumentError('it must be a whole number such as 1000.');
  return Number(text);
}

/** Parses a decimal number strictly (`0x1`, `1e-1` and ` 0.5` are refused). */
export function decimal(text: string): number {
  if (!DECIMAL.test(text)) throw new InvalidArgumentError('it must be a number such as 0.7.');
  return Number(text);
}

/** A non-empty text such as a job id. */
export function text(value: string): string {
  if (value === '') throw new InvalidArgumentError('it must not be empty.');
  return value;
}

/**
 * The directory the user ran the command in. `npm run` starts scripts in the package root and says where
 * it was started in `INIT_CWD`; `npx` and a global install keep the user's directory.
 */
export function userDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.npm_lifecycle_event === 'longform' && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

/** A file or directory flag: not empty, and a relative path is taken from where the user ran the command. */
export function path(value: string): string {
  if (value === '') throw new InvalidArgumentError('it must be a path, not empty.');
  return isAbsolute(value) ? value : resolve(userDirectory(), value);
}
