import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { validateJobId } from '../../functions/core/job-reference';
import { CliUsageError } from '../cli-usage-error';
import { checkOutPath } from '../document-output';
import { announceJob, executeJob, withJsonFailure } from '../execute-job';
import { type RunFlags, toRunOptions } from '../run-options';

/** Length of the emulator's documents for CLI runs: long enough that a default run takes several rounds. */
export const CLI_EMULATOR_DOCUMENT_TOKENS = 6000;

/** Reads `--prompt-file` as UTF-8 text: binary or invalid UTF-8 is refused rather than silently altered. */
export function readPromptFile(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new CliUsageError(
      `--prompt-file ${path}: cannot read it (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  if (bytes.includes(0))
    throw new CliUsageError(`--prompt-file ${path} is binary (it holds NUL bytes), not text`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliUsageError(`--prompt-file ${path} is not valid UTF-8 text; convert it to UTF-8 first`);
  }
}

/** A job id for a job started without `--job-id`: when it started, and unique. */
export function newJobId(): string {
  return `job-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
}

/**
 * `longform run`: runs a job start to finish on the offline workflow. Returns the exit code. The job input
 * goes to the workflow as given (a `--model` too), so `Initialize job` validates every field alike.
 */
export async function runCommand(prompts: string[], flags: RunFlags): Promise<number> {
  const options = toRunOptions(prompts, flags, readPromptFile);
  const jobId = validateJobId(options.jobId ?? newJobId());
  if (options.out !== undefined) checkOutPath(options.out);
  announceJob('starting', jobId, options.dataDir);
  return withJsonFailure(jobId, options.json, async () => {
    // Loaded only for a command line that parsed: help and usage errors never wait for CDK or the servers.
    const [{ OfflineRuntime }, { prepareExecutionInput }, { parseJobInput }, { assertSameJob }] =
      await Promise.all([
        import('../../local/offline-runtime'),
        import('../../client/execution-input'),
        import('../../functions/core/job-input'),
        import('../../functions/core/job-reference'),
      ]);
    const runtime = await OfflineRuntime.start({
      bedrock: options.bedrock,
      emulator: { documentTokens: CLI_EMULATOR_DOCUMENT_TOKENS },
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.roundTimeoutSeconds ? { roundTimeoutSeconds: options.roundTimeoutSeconds } : {}),
    });
    try {
      const existing = await runtime.store.getJob(jobId);
      // A taken job id with another input is refused here, before its old document could pass for this one.
      if (existing) assertSameJob(jobId, existing.config, parseJobInput(options.input, runtime.defaults));
      await runtime.dataDirectory?.useBedrock(jobId, runtime.bedrockTarget, { newJob: !existing });
      const executionInput = await prepareExecutionInput(
        runtime.store,
        runtime.defaults,
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
  });
}
