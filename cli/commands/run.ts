import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { prepareExecutionInput } from '../../client/execution-input';
import { validateJobId } from '../../functions/core/job-reference';
import { readRuntimeConfig } from '../../functions/handlers/shared/runtime-config';
import { OfflineRuntime } from '../../local/offline-runtime';
import { executeJob } from '../execute-job';
import { parseRunOptions } from '../run-options';

/** Length of the emulator's documents for CLI runs: long enough that a default run takes several rounds. */
export const CLI_EMULATOR_DOCUMENT_TOKENS = 6000;

/** `longform run`: runs a job start to finish on the offline workflow. Returns the exit code. */
export async function runCommand(args: string[]): Promise<number> {
  const options = parseRunOptions(args, (path) => readFileSync(path, 'utf8'));
  const jobId = validateJobId(
    options.jobId ?? `job-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`,
  );
  const modelId = typeof options.input.modelId === 'string' ? options.input.modelId : undefined;
  const runtime = await OfflineRuntime.start({
    bedrock: options.bedrock,
    emulator: { documentTokens: CLI_EMULATOR_DOCUMENT_TOKENS },
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(modelId ? { defaultModelId: modelId } : {}),
  });
  try {
    const executionInput = await prepareExecutionInput(
      runtime.store,
      readRuntimeConfig().defaults,
      jobId,
      options.input,
    );
    return await executeJob(runtime, jobId, executionInput, {
      jobId,
      json: options.json,
      ...(options.out ? { out: options.out } : {}),
    });
  } finally {
    await runtime.stop();
  }
}
