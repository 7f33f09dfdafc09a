import { startBedrockEmulator, targetDocument } from '../local/bedrock-emulator';
import { createRandom } from '../local/bedrock-emulator/seeded-random';
import { localBedrockEnvironment, withEnvironment } from './bedrock-endpoint';
import { type Denial, startBedrockGate } from './bedrock-gate';
import { jobInput, SCENARIO_QUIRKS } from './job-variants';
import { runExecution, withOfflineRuntime } from './offline-jobs';
import { ScenarioRecorder, type ScenarioReport } from './scenario-report';

/** Options of {@link runAbortedExecutions}. */
export interface AbortedExecutionsOptions {
  seeds: number;
  documentTokens: number;
  maxTokensPerRound: number;
}

/**
 * Aborts executions of the real definition after a seeded number of history events, mid-round or between
 * states, and resumes each job with `{ jobId }` until it completes. An aborted execution's task keeps
 * running in the background, as a Lambda does after its execution stopped, so resumed executions race it.
 */
export async function runAbortedExecutions(options: AbortedExecutionsOptions): Promise<ScenarioReport> {
  const recorder = new ScenarioRecorder('execution aborted mid-job, resumed');
  await withOfflineRuntime({ emulator: { instructionQuirks: SCENARIO_QUIRKS } }, async (runtime) => {
    let executions = 0;
    for (let seed = 1; seed <= options.seeds; seed++) {
      const random = createRandom(seed * 7919);
      const jobId = `aborted-${seed}`;
      const input = jobInput('Aborted executions', seed, options.documentTokens, options.maxTokensPerRound);
      let next: unknown = input;
      for (let attempt = 0; ; attempt++) {
        const execution = runtime.startExecution(jobId, next);
        executions++;
        next = { jobId };
        // Later attempts run longer before the abort, so every job gets to its end.
        const abortAfter = attempt < 6 ? random.int(2, 14 + attempt * 6) : Number.POSITIVE_INFINITY;
        let seen = 0;
        for await (const _event of execution.events) {
          if (++seen === abortAfter) {
            execution.abort();
            break;
          }
        }
        const outcome = await execution.outcome.catch((error: Error) => ({ status: error.name }));
        if (outcome.status === 'SUCCEEDED') break;
        if (outcome.status !== 'ExecutionAbortedError') {
          recorder.problem(`${jobId} ended ${JSON.stringify(outcome)}`);
          break;
        }
        recorder.fault('execution aborted');
      }
      recorder.document(jobId, await runtime.store.loadDocument(jobId), targetDocument(input));
    }
    recorder.note(`${executions} executions for ${options.seeds} jobs`);
  });
  return recorder.finish();
}

/**
 * A job meets a permanent Bedrock error mid-way (`denial`, from its `afterRequests`-th model call): no
 * retry, the job is FAILED with the error and keeps its text. The cause is then removed and the job resumed
 * with `{ jobId }`, the offline counterpart of a redrive; it must complete with the exact document.
 */
export async function runPermanentFailureResumed(
  denials: readonly Denial[],
  afterRequests: number,
): Promise<ScenarioReport> {
  const recorder = new ScenarioRecorder('permanent error, cause removed, resumed');
  const emulator = await startBedrockEmulator({ instructionQuirks: SCENARIO_QUIRKS });
  const gate = await startBedrockGate(emulator.url);
  try {
    // The runtime finds the gate as it finds any endpoint a user sets: through the environment.
    await withEnvironment(localBedrockEnvironment(gate.url), () =>
      withOfflineRuntime({}, async (runtime) => {
        for (const [index, denial] of denials.entries()) {
          const jobId = `permanent-${index}`;
          const input = jobInput('Permanent error', index, 800, 100);
          gate.deny(denial, afterRequests);
          const failed = await runExecution(runtime, jobId, input);
          const expectedError =
            denial === 'AccessDeniedException' ? 'BedrockAccessDeniedError' : 'BedrockValidationError';
          const job = await runtime.store.getJob(jobId);
          const kept = await runtime.store.loadDocument(jobId);
          const target = targetDocument(input);
          if (failed.outcome.error !== expectedError || job?.status !== 'FAILED') {
            recorder.problem(
              `${jobId}: ended ${failed.outcome.error} / ${job?.status}, expected ${expectedError} / FAILED`,
            );
          }
          if (failed.events.some((event) => event.type === 'StateRetried')) {
            recorder.problem(`${jobId}: a permanent error was retried`);
          }
          if (kept.length === 0 || !target.startsWith(kept)) {
            recorder.problem(
              `${jobId}: the failed job kept ${kept.length} characters, not a prefix of its document`,
            );
          }
          recorder.fault(denial === 'AccessDeniedException' ? 'access denied 403' : 'validation 400');
          gate.allow();
          const resumed = await runExecution(runtime, jobId, { jobId });
          if (resumed.outcome.status !== 'SUCCEEDED') {
            recorder.problem(`${jobId}: resume ended ${resumed.outcome.error}`);
          }
          recorder.document(jobId, await runtime.store.loadDocument(jobId), target);
          recorder.note(
            `${jobId}: failed after ${job ? job.nextRound - 1 : 0} rounds with ${expectedError}, resumed`,
          );
        }
      }),
    );
  } finally {
    await gate.close();
    await emulator.close();
  }
  return recorder.finish();
}
