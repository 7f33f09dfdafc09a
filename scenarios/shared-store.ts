import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { jobKey, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../functions/adapters/job-table-keys';
import { targetDocument } from '../local/bedrock-emulator';
import { LOCAL_TABLE_NAME } from '../local/local-dynamodb';
import type { OfflineRuntime } from '../local/offline-runtime';
import { jobInput, SCENARIO_QUIRKS } from './job-variants';
import { runExecution, runJobResuming, withOfflineRuntime } from './offline-jobs';
import { ScenarioRecorder, type ScenarioReport } from './scenario-report';

/** Items stored under a job's partition key in the runtime's table (META, rounds, parts). */
export async function storedItemCount(runtime: OfflineRuntime, jobId: string): Promise<number> {
  return (await storedItemExpiries(runtime, jobId)).size;
}

/** When each item of a job (by sort key: META, ROUND#…, CONFIG#…) expires, in TTL epoch seconds. */
export async function storedItemExpiries(
  runtime: OfflineRuntime,
  jobId: string,
): Promise<Map<string, number>> {
  const client = runtime.createTableClient();
  try {
    const { Items = [] } = await client.send(
      new QueryCommand({
        TableName: LOCAL_TABLE_NAME,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY, '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':pk': { S: jobKey(jobId) } },
        ProjectionExpression: '#sk, #ttl',
        ConsistentRead: true,
      }),
    );
    return new Map(Items.map((item) => [item[SORT_KEY]?.S ?? '', Number(item[TTL_ATTRIBUTE]?.N)]));
  } finally {
    client.destroy();
  }
}

/** Rounds an execution ran (entered the round state), from its history. */
function roundsRun(
  runtime: OfflineRuntime,
  events: Awaited<ReturnType<typeof runExecution>>['events'],
): number {
  return events.filter(
    (event) => event.type === 'StateEntered' && event.state.name === runtime.roundStateName,
  ).length;
}

/**
 * The same job id started twice: at the same moment with the same input (both executions race over one
 * job), again after it completed, and with a different input (refused, the job untouched). One job, one
 * exact document.
 */
export async function runSameJobTwice(): Promise<ScenarioReport> {
  const recorder = new ScenarioRecorder('same job id started twice');
  await withOfflineRuntime({ emulator: { instructionQuirks: SCENARIO_QUIRKS } }, async (runtime) => {
    for (let index = 0; index < 4; index++) {
      const jobId = `twice-${index}`;
      const input = jobInput('Started twice', index, 700, 100);
      const [first, second] = await Promise.all([
        runExecution(runtime, jobId, input),
        runExecution(runtime, jobId, input),
      ]);
      recorder.fault('duplicate start, concurrent');
      for (const { outcome } of [first, second]) {
        if (outcome.status !== 'SUCCEEDED')
          recorder.problem(`${jobId}: a racing execution ended ${outcome.error}`);
      }
      const job = await runtime.store.getJob(jobId);
      const rounds = job ? job.nextRound - 1 : 0;
      const document = await runtime.store.loadDocument(jobId);
      const itemsBefore = await storedItemCount(runtime, jobId);
      if (itemsBefore !== rounds + 1)
        recorder.problem(`${jobId}: ${itemsBefore} items for ${rounds} rounds + META`);

      const again = await runExecution(runtime, jobId, input);
      recorder.fault('duplicate start, after completion');
      if (again.outcome.status !== 'SUCCEEDED' || roundsRun(runtime, again.events) !== 1) {
        recorder.problem(
          `${jobId}: starting a completed job again ran ${roundsRun(runtime, again.events)} rounds`,
        );
      }
      const different = await runExecution(runtime, jobId, { ...input, maxRounds: 7 });
      recorder.fault('duplicate start, different input');
      if (
        different.outcome.error !== 'InvalidInputError' ||
        !/already exists/.test(different.outcome.cause ?? '')
      ) {
        recorder.problem(`${jobId}: a different input under the same id ended ${different.outcome.error}`);
      }
      const after = await runtime.store.getJob(jobId);
      if (after?.status !== 'COMPLETED' || after.nextRound !== job?.nextRound) {
        recorder.problem(`${jobId}: the job changed after a refused start (${after?.status})`);
      }
      if ((await storedItemCount(runtime, jobId)) !== itemsBefore)
        recorder.problem(`${jobId}: items written after the job ended`);
      if ((await runtime.store.loadDocument(jobId)) !== document)
        recorder.problem(`${jobId}: document changed`);
      recorder.document(jobId, document, targetDocument(input));
    }
  });
  return recorder.finish();
}

/** Options of {@link runConcurrentJobs}. */
export interface ConcurrentJobsOptions {
  jobs: number;
  documentTokens: number;
  maxTokensPerRound: number;
}

/**
 * Many jobs at once on one local store and one emulator, with light throttling so their rounds interleave
 * unevenly: every job must end with its own document (a round stored under the wrong job, or read from
 * another, would show as lost and duplicated text).
 */
export async function runConcurrentJobs(options: ConcurrentJobsOptions): Promise<ScenarioReport> {
  const recorder = new ScenarioRecorder(`${options.jobs} concurrent jobs, one store`);
  await withOfflineRuntime(
    { emulator: { faults: { seed: 50, throttleRate: 0.1 }, instructionQuirks: SCENARIO_QUIRKS } },
    async (runtime) => {
      const jobs = Array.from({ length: options.jobs }, (_, index) => ({
        jobId: `concurrent-${index}`,
        input: jobInput('Concurrent jobs', index, options.documentTokens, options.maxTokensPerRound),
      }));
      const results = await Promise.all(jobs.map((job) => runJobResuming(runtime, job.jobId, job.input)));
      for (const [index, job] of jobs.entries()) {
        const { outcome } = results[index] as (typeof results)[number];
        if (outcome.status !== 'SUCCEEDED') recorder.problem(`${job.jobId} ended ${outcome.error}`);
        recorder.document(job.jobId, await runtime.store.loadDocument(job.jobId), targetDocument(job.input));
      }
      const throttled = runtime.emulator?.stats().byOutcome.ThrottlingException ?? 0;
      recorder.fault('throttle 429', throttled);
    },
  );
  return recorder.finish();
}
