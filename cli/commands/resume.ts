import { parseArgs } from 'node:util';
import { validateJobId } from '../../functions/core/job-reference';
import { CliUsageError } from '../cli-usage-error';
import { executeJob } from '../execute-job';
import { CLI_EMULATOR_DOCUMENT_TOKENS } from './run';

/**
 * `longform resume JOB_ID --data-dir DIR`: continues a stored job from its last stored round, after a crash
 * or after the cause of a failure was removed (the offline counterpart of a redrive). Returns the exit code.
 */
export async function resumeCommand(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new CliUsageError(`${(error as Error).message}. Usage: longform resume JOB_ID --data-dir DIR`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new CliUsageError('Usage: longform resume JOB_ID --data-dir DIR');
  if (!values['data-dir']) {
    throw new CliUsageError(
      'resume needs --data-dir DIR: only jobs stored on disk outlive the process that ran them',
    );
  }
  const bedrock = values.bedrock ?? 'emulator';
  if (bedrock !== 'emulator' && bedrock !== 'aws')
    throw new CliUsageError('--bedrock must be emulator or aws');
  const jobId = validateJobId(positionals[0]);

  const { OfflineRuntime } = await import('../../local/offline-runtime');
  const runtime = await OfflineRuntime.start({
    bedrock,
    dataDir: values['data-dir'],
    emulator: { documentTokens: CLI_EMULATOR_DOCUMENT_TOKENS },
  });
  try {
    if (!(await runtime.store.getJob(jobId))) {
      throw new CliUsageError(`No job ${jobId} in ${values['data-dir']}; check the job id and --data-dir`);
    }
    return await executeJob(
      runtime,
      jobId,
      { jobId },
      {
        jobId,
        json: values.json ?? false,
        ...(values.out ? { out: values.out } : {}),
      },
    );
  } finally {
    await runtime.stop();
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      out: { type: 'string' },
      bedrock: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
}
