import { parseArgs } from 'node:util';
import { validateJobId } from '../functions/core/job-reference';
import { CliUsageError } from './cli-usage-error';

type OptionSpecs = Record<string, { type: 'string' | 'boolean' }>;

/**
 * Parses the arguments of a command about one job: `JOB_ID`, where the job is (`--data-dir DIR` or
 * `--table NAME`), and the command's own options. Wrong arguments are a {@link CliUsageError} with `usage`.
 */
export function parseJobCommand<Extra extends OptionSpecs>(args: string[], extra: Extra, usage: string) {
  let parsed: ReturnType<typeof parse<Extra>>;
  try {
    parsed = parse(args, extra);
  } catch (error) {
    throw new CliUsageError(`${(error as Error).message}. ${usage}`);
  }
  if (parsed.positionals.length !== 1) throw new CliUsageError(usage);
  return { jobId: validateJobId(parsed.positionals[0]), values: parsed.values };
}

function parse<Extra extends OptionSpecs>(args: string[], extra: Extra) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { 'data-dir': { type: 'string' }, table: { type: 'string' }, ...extra },
  });
}
