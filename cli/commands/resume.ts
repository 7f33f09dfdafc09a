import { validateJobId } from '../../functions/core/job-reference';
import { CliUsageError } from '../cli-usage-error';
import { checkOutPath, writeStdout } from '../document-output';
import { announceJob, executeJob, withJsonFailure } from '../execute-job';
import { type JobTargetFlags, resolveJobTarget, withClient } from '../job-target';
import { watchJob } from '../watch-job';
import { CLI_EMULATOR_DOCUMENT_TOKENS } from './run';

/** Options of `resume`: `--out`, `--max-rounds` and `--bedrock` apply offline only, `--watch` on a stack. */
export interface ResumeFlags extends JobTargetFlags {
  out?: string;
  json?: boolean;
  bedrock?: 'emulator' | 'aws';
  maxRounds?: number;
  watch?: boolean;
}

/**
 * `longform resume JOB_ID`: continues a job that did not complete. On a deployed stack (or `serve`) the
 * client redrives its execution when it can, otherwise starts a new one on the stored job; the line says
 * which (with `--json` `{ jobId, executionArn, redriven }`), and `--watch` then watches it. Offline, see
 * {@link resumeOffline}. Returns the exit code.
 */
export async function resumeCommand(jobIdArgument: string, flags: ResumeFlags): Promise<number> {
  const target = resolveJobTarget(flags, process.env, true);
  if (target.kind === 'offline') {
    if (flags.watch) throw new CliUsageError('--watch applies to a stack; offline, resume shows every round');
    return resumeOffline(jobIdArgument, { ...flags, dataDir: target.dataDir });
  }
  const offlineOnly = (['out', 'maxRounds', 'bedrock'] as const).find((flag) => flags[flag] !== undefined);
  if (offlineOnly) {
    const name = { out: '--out', maxRounds: '--max-rounds', bedrock: '--bedrock' }[offlineOnly];
    throw new CliUsageError(`${name} applies to offline jobs only (--data-dir DIR)`);
  }
  const jobId = validateJobId(jobIdArgument);
  const json = flags.json ?? false;
  return withClient(target, async (client) => {
    const resumed = await client.resume(jobId);
    if (json) await writeStdout(`${JSON.stringify(resumed)}\n`);
    process.stderr.write(
      `longform: job ${jobId}: ${resumed.redriven ? 'redrove its execution' : 'started a new execution on its stored rounds'} ` +
        `${resumed.executionArn}${flags.watch ? '' : `; follow it with: longform watch ${jobId}`}\n`,
    );
    return flags.watch ? watchJob(client, jobId, json) : 0;
  });
}

/**
 * `longform resume JOB_ID --data-dir DIR`: continues a stored job from its last stored round, after a crash
 * or after the cause of a failure was removed (the offline counterpart of a redrive), on the Bedrock it
 * ran against. With `--max-rounds N` a job that stopped at its round limit goes on to N rounds, without
 * paying again for the rounds it has. Returns the exit code.
 */
async function resumeOffline(
  jobIdArgument: string,
  flags: ResumeFlags & { dataDir: string },
): Promise<number> {
  const jobId = validateJobId(jobIdArgument);
  if (flags.out !== undefined) checkOutPath(flags.out);
  announceJob('resuming', jobId, flags.dataDir);
  const json = flags.json ?? false;
  return withJsonFailure(jobId, json, async () => {
    const [{ OfflineRuntime }, { DataDirectory }, { raiseRoundLimit }] = await Promise.all([
      import('../../local/offline-runtime'),
      import('../../local/data-directory'),
      import('../round-limit'),
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
