import { validateJobId } from '../../functions/core/job-reference';
import { writeStdout } from '../document-output';
import { type JobTargetFlags, resolveClientTarget, withClient } from '../job-target';
import { inFlagTerms, type JobInputFlags, toJobInput } from '../run-options';
import { watchJob } from '../watch-job';
import { newJobId, readPromptFile } from './run';

/** Options of `start`. */
export interface StartFlags extends JobInputFlags, Omit<JobTargetFlags, 'dataDir'> {
  json?: boolean;
  watch?: boolean;
}

/**
 * `longform start`: starts a job on a deployed stack (or `serve`) and prints its job id (with `--json`
 * `{ jobId, executionArn }`); with `--watch` it then watches the job to its end. Starting the same job
 * id with the same input again is the same job. Returns the exit code.
 */
export async function startCommand(prompts: string[], flags: StartFlags): Promise<number> {
  const target = resolveClientTarget(flags, process.env);
  const input = toJobInput('start', prompts, flags, readPromptFile);
  const jobId = validateJobId(flags.jobId ?? newJobId());
  const json = flags.json ?? false;
  return withClient(target, async (client) => {
    const started = await client.start({ ...input, jobId });
    await writeStdout(json ? `${JSON.stringify(started)}\n` : `${jobId}\n`);
    process.stderr.write(
      `longform: started job ${jobId} (execution ${started.executionArn})` +
        `${flags.watch ? '' : `; follow it with: longform watch ${jobId}`}\n`,
    );
    return flags.watch ? watchJob(client, jobId, json, inFlagTerms) : 0;
  });
}
