import { validateJobId } from '../../functions/core/job-reference';
import { CliUsageError } from '../cli-usage-error';
import { checkOutPath } from '../document-output';
import { announceJob, executeJob, withJsonFailure } from '../execute-job';
import type { ResumeFlags } from '../program';
import { CLI_EMULATOR_DOCUMENT_TOKENS } from './run';

/**
 * `longform resume JOB_ID --data-dir DIR`: continues a stored job from its last stored round, after a crash
 * or after the cause of a failure was removed (the offline counterpart of a redrive), on the Bedrock it
 * ran against. With `--max-rounds N` a job that stopped at its round limit goes on to N rounds, without
 * paying again for the rounds it has. Returns the exit code.
 */
export async function resumeCommand(jobIdArgument: string, flags: ResumeFlags): Promise<number> {
  const jobId = validateJobId(jobIdArgument);
  if (flags.out !== undefined) checkOutPath(flags.out);
  announceJob('resuming', jobId, flags.dataDir);
  const json = flags.json ?? false;
  return withJsonFailure(jobId, json, async () => {
    const [{ OfflineRuntime }, { DataDirectory }, { raiseRoundLimit }] = await Promise.all([
      import('../../local/offline-runtime'),
      import('../../local/data-directory'),
      import('../../client/round-limit'),
    ]);
    // The emulator unless the job ran against AWS; the runtime then checks the exact endpoint.
    const recorded = DataDirectory.recordedBedrock(flags.dataDir, jobId);
    const runtime = await OfflineRuntime.start({
      bedrock: flags.bedrock ?? (recorded === 'aws' ? 'aws' : 'emulator'),
      dataDir: flags.dataDir,
      existingDataDir: true,
      emulator: { documentTokens: CLI_EMULATOR_DOCUMENT_TOKENS },
    });
    try {
      const job = await runtime.store.getJob(jobId);
      if (!job)
        throw new CliUsageError(`No job ${jobId} in ${flags.dataDir}; check the job id and --data-dir`);
      await runtime.dataDirectory?.useBedrock(jobId, runtime.bedrockTarget);
      if (flags.maxRounds !== undefined) await raiseRoundLimit(runtime, job, flags.maxRounds);
      return await executeJob(
        runtime,
        jobId,
        { jobId },
        { jobId, json, ...(flags.out ? { out: flags.out } : {}) },
      );
    } finally {
      await runtime.stop();
    }
  });
}
