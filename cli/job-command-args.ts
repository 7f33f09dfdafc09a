import { parseArgs } from 'node:util';
import type { JobRecord, JobStore } from '../functions/adapters/job-store';
import { validateJobId } from '../functions/core/job-reference';
import { CliUsageError } from './cli-usage-error';
import { openJobStore } from './job-store-target';

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

/** What a command about one stored job works with. */
export interface StoredJobContext<Values> {
  jobId: string;
  values: Values;
  store: JobStore;
  job: JobRecord;
}

/**
 * Runs a command about one stored job: parses its arguments, opens the store the job is in, and hands
 * the job to `act`. A job that is not there is one line on stderr and exit status 1.
 */
export async function runStoredJobCommand<Extra extends OptionSpecs>(
  args: string[],
  extra: Extra,
  usage: string,
  act: (context: StoredJobContext<ReturnType<typeof parseJobCommand<Extra>>['values']>) => Promise<number>,
): Promise<number> {
  const { jobId, values } = parseJobCommand(args, extra, usage);
  // Both options are declared by parseJobCommand for every command; TypeScript loses them in the generic.
  const where = values as { 'data-dir'?: string; table?: string };
  const { store, close } = await openJobStore({ dataDir: where['data-dir'], table: where.table });
  try {
    const job = await store.getJob(jobId);
    if (!job) {
      process.stderr.write(`longform: no job ${jobId} there; check the job id, --data-dir or --table\n`);
      return 1;
    }
    return await act({ jobId, values, store, job });
  } finally {
    await close();
  }
}
