import { roundTimeBudget } from '../functions/core/round-time-budget';
import type { EmulatorFaults } from '../local/bedrock-emulator';
import { targetDocument } from '../local/bedrock-emulator';
import type { OfflineRuntime } from '../local/offline-runtime';
import { JOB_VARIANTS, jobInput, SCENARIO_QUIRKS } from './job-variants';
import { injectedFaults, runJobResuming, withOfflineRuntime } from './offline-jobs';
import { ScenarioRecorder, type ScenarioReport } from './scenario-report';

/** Options of {@link runTimeBoxedRounds}. */
export interface TimeBoxedOptions {
  documentTokens: number;
  /** Emulated model speed: the delay before each streamed token. */
  latencyPerTokenMs: number;
  /** The round function's timeout (`longform run --round-timeout`). */
  roundTimeoutSeconds: number;
  /** Larger than what the time budget lets through, so every round but the last is cut by time. */
  maxTokensPerRound: number;
}

/** One job of the time-boxed run: its rounds, how much of each round's budget they used, what arrived. */
export interface TimeBoxedRow {
  variant: string;
  rounds: number;
  cutByTime: number;
  /** Share of the round's time budget each round used, lowest and highest. */
  budgetShare: [number, number];
  /** Output tokens each round received, lowest and highest. */
  tokensPerRound: [number, number];
  identical: boolean;
}

/**
 * Runs each job variant (both APIs, prefill and instruction) twice: once untimed, once on a slow
 * model with a short round timeout so the time budget cuts every round but the last. The two documents
 * must be byte-identical and exact; every round before the last must have stopped with `time_budget`.
 */
export async function runTimeBoxedRounds(
  options: TimeBoxedOptions,
): Promise<{ report: ScenarioReport; rows: TimeBoxedRow[] }> {
  const recorder = new ScenarioRecorder(
    `time-boxed rounds (${options.latencyPerTokenMs} ms/token, ${options.roundTimeoutSeconds} s rounds)`,
  );
  const jobs = JOB_VARIANTS.map((variant, index) => ({
    variant: `${variant.api}/${variant.continuation}`,
    jobId: `time-boxed-${index}`,
    input: jobInput('time-boxed rounds', index, options.documentTokens, options.maxTokensPerRound),
  }));
  const untimed = await withOfflineRuntime({ emulator: { instructionQuirks: SCENARIO_QUIRKS } }, (runtime) =>
    Promise.all(
      jobs.map(async (job) => {
        await runJobResuming(runtime, job.jobId, job.input);
        return runtime.store.loadDocument(job.jobId);
      }),
    ),
  );
  const { cutAfterMs } = roundTimeBudget(options.roundTimeoutSeconds * 1000);
  const rows = await withOfflineRuntime(
    {
      emulator: {
        instructionQuirks: SCENARIO_QUIRKS,
        faults: { latencyPerTokenMs: options.latencyPerTokenMs },
      },
      roundTimeoutSeconds: options.roundTimeoutSeconds,
    },
    (runtime) =>
      Promise.all(
        jobs.map(async (job, index): Promise<TimeBoxedRow> => {
          const { outcome } = await runJobResuming(runtime, job.jobId, job.input);
          if (outcome.status !== 'SUCCEEDED')
            recorder.problem(`${job.jobId} ended ${outcome.error ?? outcome.status}`);
          const document = await runtime.store.loadDocument(job.jobId);
          recorder.document(job.jobId, document, targetDocument(job.input));
          const identical = document === untimed[index];
          if (!identical)
            recorder.problem(`${job.jobId}: the time-boxed document differs from the untimed one`);
          const rounds = await roundsOf(runtime, job.jobId);
          const cutByTime = rounds.filter((round) => round.stopReason === 'time_budget').length;
          if (cutByTime < rounds.length - 1) {
            recorder.problem(`${job.jobId}: only ${cutByTime} of ${rounds.length} rounds were cut by time`);
          }
          const shares = rounds.map((round) => round.latencyMs / cutAfterMs);
          const tokens = rounds.map((round) => round.usage.outputTokens);
          return {
            variant: job.variant,
            rounds: rounds.length,
            cutByTime,
            budgetShare: [Math.min(...shares), Math.max(...shares)],
            tokensPerRound: [Math.min(...tokens), Math.max(...tokens)],
            identical,
          };
        }),
      ),
  );
  for (const row of rows) {
    recorder.note(
      `${row.variant}: ${row.rounds} rounds, ${row.cutByTime} cut by time, identical: ${row.identical}`,
    );
  }
  return { report: recorder.finish(), rows };
}

/** Options of {@link runStreamFaults}. */
export interface StreamFaultOptions {
  /** Emulator seeds; each seed's runtime runs `jobsPerSeed` jobs at once. */
  seeds: number;
  jobsPerSeed: number;
  documentTokens: number;
  maxTokensPerRound: number;
  latencyPerTokenMs: number;
  roundTimeoutSeconds: number;
  /** Probability per model call of a throttle and of a dropped connection, each at a seeded point. */
  faultRate: number;
}

/**
 * Throttling and dropped connections at seeded points of each stream, before it or inside it, on
 * rounds short enough that some streams fail past half their budget and keep their text. Nothing may
 * be lost or duplicated, whether a failed stream was retried whole or kept.
 */
export async function runStreamFaults(
  options: StreamFaultOptions,
): Promise<{ report: ScenarioReport; keptFailedStreams: number }> {
  const recorder = new ScenarioRecorder('faults inside streams');
  // A round cut by time ran its whole budget; a failed stream that kept its text ended sooner.
  const cutAfterMs = roundTimeBudget(options.roundTimeoutSeconds * 1000).cutAfterMs;
  let cut = 0;
  let kept = 0;
  for (let seed = 1; seed <= options.seeds; seed++) {
    const faults: EmulatorFaults = {
      seed,
      throttleRate: options.faultRate,
      dropConnectionRate: options.faultRate,
      latencyPerTokenMs: options.latencyPerTokenMs,
    };
    await withOfflineRuntime(
      {
        emulator: { faults, instructionQuirks: SCENARIO_QUIRKS },
        roundTimeoutSeconds: options.roundTimeoutSeconds,
      },
      async (runtime) => {
        const jobs = Array.from({ length: options.jobsPerSeed }, (_, index) => ({
          jobId: `stream-faults-${seed}-${index}`,
          input: jobInput(`stream faults ${seed}`, index, options.documentTokens, options.maxTokensPerRound),
        }));
        const results = await Promise.all(jobs.map((job) => runJobResuming(runtime, job.jobId, job.input)));
        for (const [index, job] of jobs.entries()) {
          const outcome = results[index]?.outcome;
          if (outcome?.status !== 'SUCCEEDED')
            recorder.problem(`${job.jobId} ended ${outcome?.error ?? outcome?.status}`);
          recorder.document(
            job.jobId,
            await runtime.store.loadDocument(job.jobId),
            targetDocument(job.input),
          );
          const rounds = await roundsOf(runtime, job.jobId);
          for (const round of rounds.filter((each) => each.stopReason === 'time_budget')) {
            if (round.latencyMs < 0.9 * cutAfterMs) kept++;
            else cut++;
          }
        }
        for (const [kind, count] of Object.entries(injectedFaults(runtime.emulator)))
          recorder.fault(kind, count);
      },
    );
  }
  recorder.note(`${kept} rounds kept from a stream that failed past half its budget, ${cut} cut by time`);
  return { report: recorder.finish(), keptFailedStreams: kept };
}

async function roundsOf(runtime: OfflineRuntime, jobId: string) {
  const job = await runtime.store.getJob(jobId);
  const rounds = [];
  for (let round = 1; round < (job?.nextRound ?? 1); round++) {
    const record = await runtime.store.getRound(jobId, round);
    if (record) rounds.push(record);
  }
  return rounds;
}
