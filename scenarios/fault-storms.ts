import type { EmulatorFaults } from '../local/bedrock-emulator';
import { targetDocument } from '../local/bedrock-emulator';
import { jobInput, SCENARIO_QUIRKS } from './job-variants';
import { injectedFaults, runJobResuming, withOfflineRuntime } from './offline-jobs';
import { ScenarioRecorder, type ScenarioReport } from './scenario-report';

/** Options of {@link runFaultStorm}. */
export interface FaultStormOptions {
  scenario: string;
  faults: EmulatorFaults;
  /** Jobs run at the same time through the storm. */
  jobs: number;
  documentTokens: number;
  maxTokensPerRound: number;
}

/** 30 % of model calls throttled, seeded. */
export const THROTTLE_30: EmulatorFaults = { seed: 30, throttleRate: 0.3 };
/** 60 % of model calls throttled, seeded. */
export const THROTTLE_60: EmulatorFaults = { seed: 60, throttleRate: 0.6 };

/**
 * Bursts of every other transient fault, back to back, every 40 model calls: four 503s, three 500s,
 * three 408s and two dropped connections, on top of 10 % throttling.
 */
export const BURSTS: EmulatorFaults = {
  seed: 408,
  throttleRate: 0.1,
  plan: (index) => {
    const position = index % 40;
    if (position < 4) return 'unavailable';
    if (position >= 10 && position < 13) return 'internal';
    if (position >= 20 && position < 23) return 'modelTimeout';
    if (position >= 30 && position < 32) return 'dropConnection';
    return undefined;
  },
};

/**
 * Runs `jobs` jobs at once on the real definition while the emulator injects `faults`, and compares
 * each document with its target. The retry policy must ride out every storm: a round whose faults
 * outlast it (the execution fails with the transient error, text kept) is a problem, even though the job
 * is then resumed, as an operator would redrive it, so that its document is still compared.
 */
export async function runFaultStorm(options: FaultStormOptions): Promise<ScenarioReport> {
  const recorder = new ScenarioRecorder(options.scenario);
  await withOfflineRuntime(
    { emulator: { faults: options.faults, instructionQuirks: SCENARIO_QUIRKS } },
    async (runtime) => {
      const jobs = Array.from({ length: options.jobs }, (_, index) => ({
        jobId: `${options.scenario.replace(/\W+/g, '-')}-${index}`,
        input: jobInput(options.scenario, index, options.documentTokens, options.maxTokensPerRound),
      }));
      const results = await Promise.all(jobs.map((job) => runJobResuming(runtime, job.jobId, job.input)));
      let retries = 0;
      let exhausted = 0;
      for (const [index, job] of jobs.entries()) {
        const result = results[index] as (typeof results)[number];
        retries += result.retries;
        exhausted += result.retriesExhausted;
        if (result.outcome.status !== 'SUCCEEDED') {
          recorder.problem(`${job.jobId} ended ${result.outcome.error ?? result.outcome.status}`);
        }
        recorder.document(job.jobId, await runtime.store.loadDocument(job.jobId), targetDocument(job.input));
      }
      for (const [kind, count] of Object.entries(injectedFaults(runtime.emulator)))
        recorder.fault(kind, count);
      recorder.note(`${retries} state machine retries`);
      if (exhausted > 0) {
        recorder.problem(`${exhausted} round(s) outlasted the retry policy (job FAILED, text kept; resumed)`);
      }
    },
  );
  return recorder.finish();
}
