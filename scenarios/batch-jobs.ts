import { runBatch } from '../local/batch-runtime';
import type { EmulatorFaults } from '../local/bedrock-emulator';
import { targetDocument } from '../local/bedrock-emulator';
import { THROTTLE_30 } from './fault-storms';
import { jobInput, SCENARIO_QUIRKS } from './job-variants';
import { injectedFaults, withOfflineRuntime } from './offline-jobs';
import { ScenarioRecorder, type ScenarioReport } from './scenario-report';

/** Options of {@link runBatchJobs}. */
export interface BatchJobsOptions {
  scenario: string;
  items: number;
  concurrency: number;
  documentTokens: number;
  maxTokensPerRound: number;
  faults: EmulatorFaults;
}

/** What a batch run measured, besides its report row. */
export interface BatchJobsResult {
  report: ScenarioReport;
  wallMs: number;
  itemsPerMinute: number;
  /** The most model requests the emulator answered at once. */
  maxInFlight: number;
  /** Lines with no item in the summary, and items beyond one per line (or jobs run more than once). */
  linesLost: number;
  linesDuplicated: number;
}

/**
 * The batch of the measure: `items` lines, `concurrency` at once, 30 % of model calls throttled,
 * the model paced (0.5 ms a token) so that rounds of different jobs overlap as they do against Bedrock.
 */
export function throttledBatch(items: number, concurrency: number): BatchJobsOptions {
  return {
    scenario: `batch: ${items} lines, ${concurrency} at once, throttling 30 %`,
    items,
    concurrency,
    documentTokens: 500,
    maxTokensPerRound: 120,
    faults: { ...THROTTLE_30, latencyPerTokenMs: 0.5 },
  };
}

/**
 * Runs an `items`-line manifest through the offline batch workflow (`longform batch`'s runtime) while the
 * emulator injects `faults`, and checks it as a batch must be: every line has exactly one item, each job
 * ran once and completed, each document equals its target, and the emulator never answered more than
 * `concurrency` model requests at once (each job has at most one round in flight).
 */
export async function runBatchJobs(options: BatchJobsOptions): Promise<BatchJobsResult> {
  const recorder = new ScenarioRecorder(options.scenario);
  const inputs = Array.from({ length: options.items }, (_, index) =>
    jobInput(options.scenario, index, options.documentTokens, options.maxTokensPerRound),
  );
  return withOfflineRuntime(
    { emulator: { faults: options.faults, instructionQuirks: SCENARIO_QUIRKS } },
    async (runtime) => {
      let ended = 0;
      const started = performance.now();
      const summary = await runBatch(runtime, inputs, {
        name: options.scenario.replace(/\W+/g, '-'),
        maxConcurrency: options.concurrency,
        toleratedFailurePercentage: 0,
        onProgress: (progress) => {
          ended = progress.completed + progress.failed;
        },
      });
      const wallMs = performance.now() - started;
      const indexes = summary.items.map((item) => item.index);
      const lost = inputs.filter((_, index) => !indexes.includes(index)).length;
      const duplicated = indexes.length - new Set(indexes).size + (ended - options.items);
      if (lost > 0 || duplicated !== 0) recorder.problem(`${lost} lines lost, ${duplicated} run twice`);
      if (summary.status !== 'SUCCEEDED') recorder.problem(`batch ${summary.status}: ${summary.cause}`);
      for (const item of summary.items) {
        if (item.status !== 'COMPLETED')
          recorder.problem(`${item.jobId} ended ${item.status} ${item.error ?? ''}`);
        const input = inputs[item.index] as (typeof inputs)[number];
        recorder.document(item.jobId, await runtime.store.loadDocument(item.jobId), targetDocument(input));
      }
      for (const [kind, count] of Object.entries(injectedFaults(runtime.emulator)))
        recorder.fault(kind, count);
      const maxInFlight = runtime.emulator?.inFlight().max ?? 0;
      if (maxInFlight > options.concurrency) {
        recorder.problem(
          `${maxInFlight} model requests at once, above the concurrency of ${options.concurrency}`,
        );
      }
      const itemsPerMinute = options.items / (wallMs / 60_000);
      recorder.note(
        `${options.items} lines at ${options.concurrency} at once: ${(wallMs / 1000).toFixed(1)} s, ${itemsPerMinute.toFixed(0)} items/min, at most ${maxInFlight} model requests at once`,
      );
      return {
        report: recorder.finish(),
        wallMs,
        itemsPerMinute,
        maxInFlight,
        linesLost: lost,
        linesDuplicated: duplicated,
      };
    },
  );
}
