import type { ExecutionStatus } from '@aws-sdk/client-sfn';
import { writeStdout } from '../document-output';
import { type JobTargetFlags, resolveClientTarget, withClient } from '../job-target';

/** Options of `list`. */
export type ListFlags = Omit<JobTargetFlags, 'dataDir'> & {
  status?: ExecutionStatus;
  limit?: number;
  json?: boolean;
};

/**
 * `longform list`: the jobs of a deployed stack (or `serve`), newest first, one execution a line (its
 * status, the job id, and the execution's name when a resume gave it another), or with `--json` one JSON
 * array. Returns 0.
 */
export function listCommand(flags: ListFlags) {
  const target = resolveClientTarget(flags, process.env);
  return withClient(target, async (client) => {
    const jobs = await client.list({
      ...(flags.status ? { status: flags.status } : {}),
      ...(flags.limit ? { limit: flags.limit } : {}),
    });
    await writeStdout(
      flags.json
        ? `${JSON.stringify(jobs)}\n`
        : jobs
            .map(({ executionStatus, jobId, executionName }) => {
              const resumed = executionName === jobId ? '' : ` (execution ${executionName})`;
              return `${executionStatus.padEnd(15)} ${jobId}${resumed}\n`;
            })
            .join(''),
    );
    return 0;
  });
}
