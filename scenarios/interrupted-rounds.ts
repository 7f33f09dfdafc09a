import { streamReply } from '../functions/adapters/bedrock-stream';
import { JobStore, type RoundRecord } from '../functions/adapters/job-store';
import { PrefillRejectedError } from '../functions/core/errors';
import { roundTimeBudget } from '../functions/core/round-time-budget';
import { type CallModel, type RoundResult, runRound } from '../functions/workflow/run-round';
import { startJob } from '../functions/workflow/start-job';
import { targetDocument } from '../local/bedrock-emulator';
import { createRandom, type SeededRandom } from '../local/bedrock-emulator/seeded-random';
import { jobInput, SCENARIO_QUIRKS } from './job-variants';
import {
  driveJob,
  type LocalServices,
  startLocalServices,
  TEST_DEFAULTS,
  TEST_TABLE,
} from './local-services';
import { ScenarioRecorder, type ScenarioReport } from './scenario-report';

/** Where a round attempt is killed: every point between its first read and its last write. */
export const KILL_POINTS = [
  'kill before the model replies',
  'kill after the model replied',
  'kill after the round write',
  'kill after META advanced',
] as const;

type KillPoint = (typeof KILL_POINTS)[number];

/** Stands for the Lambda being killed: the attempt stops there and the state machine retries the round. */
export class SimulatedKillError extends Error {
  override readonly name = 'SimulatedKillError';
}

/** A job store whose round attempt dies right after a write, when armed. */
class KillableStore extends JobStore {
  armed: KillPoint | undefined;

  override async putRound(jobId: string, record: RoundRecord) {
    const written = await super.putRound(jobId, record);
    this.killIf('kill after the round write');
    return written;
  }

  override async advanceJob(...args: Parameters<JobStore['advanceJob']>) {
    const advanced = await super.advanceJob(...args);
    this.killIf('kill after META advanced');
    return advanced;
  }

  killIf(point: KillPoint): void {
    if (this.armed !== point) return;
    this.armed = undefined;
    throw new SimulatedKillError(point);
  }
}

/** Options of {@link runInterruptedRounds}. */
export interface InterruptedRoundsOptions {
  /** One job per seed; each seed draws where its round attempts die. */
  seeds: number;
  documentTokens: number;
  maxTokensPerRound: number;
  /** Chance that a round attempt is killed (at a point drawn uniformly) or doubled. */
  killRate: number;
  /**
   * A slow model and short round functions, so rounds are cut by their time budget (stop reason
   * `time_budget`) and killed around those cuts. Absent: rounds end at `maxTokensPerRound`.
   */
  timeBox?: { latencyPerTokenMs: number; roundTimeoutMs: number };
}

/**
 * Runs one job per seed through the round engine with the real store and model client, killing round
 * attempts at every point (and sometimes running two attempts of a round at once, as a retry racing
 * a Lambda that timed out but still runs), each time retrying the round as the state machine would.
 * Compares every document with its target and checks that only kills before the round was stored cost
 * another Bedrock call.
 */
export async function runInterruptedRounds(options: InterruptedRoundsOptions): Promise<ScenarioReport> {
  const { timeBox } = options;
  const recorder = new ScenarioRecorder(`round killed at each point${timeBox ? ', rounds cut by time' : ''}`);
  const services = await startLocalServices({
    instructionQuirks: SCENARIO_QUIRKS,
    ...(timeBox ? { faults: { latencyPerTokenMs: timeBox.latencyPerTokenMs } } : {}),
  });
  const callOnce: CallModel = timeBox
    ? (config, conversation) =>
        streamReply(services.bedrock, config, conversation, roundTimeBudget(timeBox.roundTimeoutMs))
    : services.callModel;
  let cutByTime = 0;
  const abandonedCalls: Promise<unknown>[] = [];
  try {
    for (let seed = 1; seed <= options.seeds; seed++) {
      const random = createRandom(seed);
      const store = new KillableStore(services.documents, TEST_TABLE, 86_400);
      let modelCalls = 0;
      const callModel: CallModel = async (config, conversation) => {
        modelCalls++;
        const reply = callOnce(config, conversation);
        if (store.armed === 'kill before the model replies') {
          store.armed = undefined;
          // The request is on its way; the attempt dies before the answer arrives.
          abandonedCalls.push(reply.catch(() => undefined));
          throw new SimulatedKillError('kill before the model replies');
        }
        let answered: Awaited<typeof reply>;
        try {
          answered = await reply;
        } catch (error) {
          // An `auto` job's prefill call that the model rejects produces nothing: not a round's call.
          if (error instanceof PrefillRejectedError) modelCalls--;
          throw error;
        }
        store.killIf('kill after the model replied');
        return answered;
      };

      const jobId = `interrupted-${seed}`;
      const input = jobInput('Interrupted rounds', seed, options.documentTokens, options.maxTokensPerRound);
      await startJob(store, TEST_DEFAULTS, jobId, input);
      const attempts = { rounds: 0, kills: 0, killsBeforeStored: 0, doubled: 0 };
      let round = 1;
      for (;;) {
        const result = await attemptRound(
          store,
          callModel,
          jobId,
          round,
          random,
          options.killRate,
          (event) => {
            if (event === 'doubled') {
              attempts.doubled++;
              recorder.fault('two attempts of a round at once');
              return;
            }
            attempts.kills++;
            recorder.fault(event);
            if (event === 'kill before the model replies' || event === 'kill after the model replied') {
              attempts.killsBeforeStored++;
            }
          },
        );
        if (!result) continue;
        attempts.rounds++;
        if (result.next === 'finish') {
          if (result.status !== 'COMPLETED') recorder.problem(`${jobId} ended ${result.status}`);
          break;
        }
        round = result.nextRound;
      }
      for (let stored = 1; stored < round + 1; stored++) {
        if ((await store.getRound(jobId, stored))?.stopReason === 'time_budget') cutByTime++;
      }
      recorder.document(
        jobId,
        await store.loadDocument(jobId),
        await referenceDocument(services, jobId, input, recorder),
      );
      const mostCalls = attempts.rounds + attempts.killsBeforeStored + attempts.doubled;
      if (modelCalls > mostCalls) {
        recorder.problem(
          `${jobId}: ${modelCalls} Bedrock calls for ${attempts.rounds} rounds (at most ${mostCalls})`,
        );
      }
    }
    await Promise.all(abandonedCalls);
    if (timeBox) recorder.note(`${cutByTime} rounds cut by time`);
  } finally {
    await services.stop();
  }
  return recorder.finish();
}

/**
 * What the job must produce whatever its attempts went through. Prefill reproduces the target document
 * exactly. Instruction mode joins what the model wrote, and a repeat the join cannot tell from real text
 * (see `functions/core/seam.ts`) makes even an undisturbed run differ from the target: the reference is
 * then the same job run once without kills (the emulator's quirks depend only on the request, so that
 * run sees the same replies), and the difference from the target is noted, not counted as a fault's loss.
 */
async function referenceDocument(
  services: LocalServices,
  jobId: string,
  input: ReturnType<typeof jobInput>,
  recorder: ScenarioRecorder,
): Promise<string> {
  const target = targetDocument(input);
  if (input.continuation === 'prefill') return target;
  const undisturbedId = `${jobId}-undisturbed`;
  await startJob(services.store, TEST_DEFAULTS, undisturbedId, input);
  await driveJob(services.store, services.callModel, undisturbedId);
  const undisturbed = await services.store.loadDocument(undisturbedId);
  if (undisturbed !== target) {
    recorder.note(
      `${jobId}: instruction-mode join differs from the target even without kills (seam ambiguity)`,
    );
  }
  return undisturbed;
}

/**
 * One attempt at a round, possibly killed at a drawn point, or run twice at once. Returns the round's
 * result, or undefined when the attempt was killed (the caller retries the same round).
 */
async function attemptRound(
  store: KillableStore,
  callModel: CallModel,
  jobId: string,
  round: number,
  random: SeededRandom,
  killRate: number,
  injected: (event: KillPoint | 'doubled') => void,
): Promise<RoundResult | undefined> {
  const roll = random.next();
  const point = random.pick(KILL_POINTS);
  if (roll >= killRate) return (await runRound(store, callModel, jobId, round)).result;
  if (roll < killRate / 5) {
    injected('doubled');
    const [first, second] = await Promise.all([
      runRound(store, callModel, jobId, round),
      runRound(store, callModel, jobId, round),
    ]);
    if (JSON.stringify(first.result) !== JSON.stringify(second.result)) {
      throw new Error(`Two attempts of round ${round} of ${jobId} disagree`);
    }
    return first.result;
  }
  store.armed = point;
  try {
    return (await runRound(store, callModel, jobId, round)).result;
  } catch (error) {
    if (!(error instanceof SimulatedKillError)) throw error;
    injected(point);
    return undefined;
  } finally {
    store.armed = undefined;
  }
}
