import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { validateJobId } from '../../functions/core/job-reference';
import { executeJob } from '../execute-job';
import { parseRunOptions } from '../run-options';

/** Length of the emulator's documents for CLI runs: long enough that a default run takes several rounds. */
export const CLI_EMULATOR_DOCUMENT_TOKENS = 6000;

/**
 * `longform run`: runs a job start to finish on the offline workflow. Returns the exit code. The job input
 * goes to the workflow as given (a `--model` too), so `Initialize job` validates every field alike.
 */
export async function runCommand(args: string[]): Promise<number> {
  const options = parseRunOptions(args, (path) => readFileSync(path, 'utf8'));
  const jobId = validateJobId(
    options.jobId ?? `job-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`,
  );
  // Loaded only for a command line that parsed: help and usage errors never wait for CDK or the servers.
  const [{ OfflineRuntime }, { prepareExecutionInput }] = await Promise.all([
    import('../../local/offline-runtime'),
    import('../../client/execution-input'),
  ]);
  const runtime = await OfflineRuntime.start({
    bedrock: options.bedrock,
    emulator: { documentTokens: CLI_EMULATOR_DOCUMENT_TOKENS },
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  try {
    const executionInput = await prepareExecutionInput(runtime.store, runtime.defaults, jobId, options.input);
    return await executeJob(runtime, jobId, executionInput, {
      jobId,
      json: options.json,
      ...(options.out ? { out: options.out } : {}),
    });
  } finally {
    await runtime.stop();
  }
}
