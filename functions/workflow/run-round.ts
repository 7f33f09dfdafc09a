import type { TimedReply } from '../adapters/bedrock-model';
import type { JobStore } from '../adapters/job-store';
import { buildConversation, type ConversationOptions, chooseRoundStrategy } from '../core/conversation';
import { JobNotFoundError, LongformError, PrefillRejectedError } from '../core/errors';
import type { ChatTurn, ContinuationStrategy, JobConfig } from '../core/job-config';
import { type ExecutionRun, isLaterRun, nextStep, planRound } from '../core/job-lifecycle';
import { addUsage, type JobRecord, NO_USAGE, type Usage } from '../core/job-record';
import type { JobStatus } from '../core/job-status';
import type { RoundRecord } from '../core/round-record';
import { joinChunk } from '../core/seam';
import { decideAfterRound, endForRefusedCall } from '../core/stop-reason-policy';

/** Calls the model once; the handler binds the client and the Lambda deadline. */
export type CallModel = (config: JobConfig, conversation: ChatTurn[]) => Promise<TimedReply>;

/** What `Generate next part` hands to the next state: small JSON, never the document. */
export interface RoundResult {
  jobId: string;
  round: number;
  nextRound: number;
  next: 'continue' | 'finish';
  status: JobStatus;
  stopReason: string;
  roundCharacters: number;
  documentCharacters: number;
  outputTokens: number;
}

/** How a round came about, for logs and metrics. */
export type RoundSource = 'model' | 'stored-round' | 'stored-job';

/** A round's result, how it came about, and what the model call cost (zero when nothing was called). */
export interface RoundReport {
  result: RoundResult;
  source: RoundSource;
  latencyMs: number;
  /** The Bedrock call's token counts; zeros when the round made none (a stored round was reused). */
  usage: Required<Usage>;
  strategySwitched: boolean;
}

/**
 * Runs a round and, when it fails for good (an error Step Functions does not retry), marks the job
 * FAILED with the error's name and message before rethrowing it: the `Generate next part` step has no
 * Catch, so that a redrive can resume it, and this is where the failure is recorded instead. A
 * retriable error is noted on the job as its `lastError`, which `status` shows.
 */
export async function runRoundRecordingFailure(
  store: JobStore,
  callModel: CallModel,
  jobId: string,
  round: number,
  run?: ExecutionRun,
): Promise<RoundReport> {
  try {
    return await runRound(store, callModel, jobId, round, run);
  } catch (error) {
    if (error instanceof JobNotFoundError) throw error;
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    if (error instanceof LongformError && error.retriable) {
      // Best effort: the store may be what is failing, and the state machine retries either way.
      await store.noteRetriableError(jobId, round, { name, message }).catch(() => undefined);
    } else {
      await store.failJob(jobId, { name, message }, round);
    }
    throw error;
  }
}

/**
 * Runs round `round` of a job, safe to repeat at every point (docs/architecture.md, "Storage"): a round
 * already committed is reused without calling Bedrock, and a job already advanced past it returns the
 * stored result. META is read once; every write returns the job as it is after it. An `auto` job whose
 * model rejects prefill switches to instruction, records it, and redoes the round. A redrive (`run`,
 * the execution running the round) claims the job first, so the late end of the stopped or failed run
 * it continues cannot fail the job under it; should that end come first, the claim returns the job
 * FAILED and the round reopens it.
 */
export async function runRound(
  store: JobStore,
  callModel: CallModel,
  jobId: string,
  round: number,
  run?: ExecutionRun,
): Promise<RoundReport> {
  let job = await store.getJob(jobId);
  if (!job) throw new JobNotFoundError(`Job ${jobId} does not exist; start it with a prompt first`);
  if (run && isLaterRun(job, run))
    job = (await store.claimRun(jobId, run)) ?? (await currentJob(store, jobId));

  const plan = planRound(job, round);
  if (plan === 'stale') {
    throw new JobNotFoundError(
      `Job ${jobId} is at round ${job.nextRound}, not ${round}; its state machine input is stale`,
    );
  }
  if (plan === 'report') {
    const last = await store.getRound(jobId, Math.min(round, job.nextRound - 1));
    return stored(job, last, 'stored-job');
  }
  if (plan === 'reopen') {
    // Another attempt may have reopened it first; either way the job runs this round now.
    job = (await store.reopenJob(jobId)) ?? { ...job, status: 'RUNNING' };
  }

  const { documentSoFar, committed } = await store.roundStart(job, round);
  let record = committed;
  let source: RoundSource = 'stored-round';
  let latencyMs = 0;
  let strategySwitched = false;
  if (!record) {
    source = 'model';
    let answer: StrategyReply;
    try {
      answer = await callModelWithStrategy(store, callModel, job, round, documentSoFar);
    } catch (error) {
      // Bedrock refused the call because the document outgrew the context window (CONTEXT_FULL) or a
      // content filter blocked the output (BLOCKED): the job ends there with its text kept.
      const end = endForRefusedCall(error);
      if (!end) throw error;
      const ended = await store.endJobAtRound(jobId, round, end);
      return stored(
        ended ?? (await currentJob(store, jobId)),
        await store.getRound(jobId, round - 1),
        'model',
      );
    }
    strategySwitched = answer.switched;
    latencyMs = answer.reply.latencyMs;
    record = buildRoundRecord(job, round, answer.strategy, documentSoFar, answer.reply);
    if ((await store.putRound(jobId, record)) === 'exists') {
      // Another attempt committed this round first: its text is the one the document keeps.
      record = (await store.getRound(jobId, round)) as RoundRecord;
      source = 'stored-round';
    }
  }

  // `undefined`: another attempt advanced the job first, so report the job as that attempt left it.
  job = (await store.advanceJob(job, record, documentSoFar)) ?? (await currentJob(store, jobId));
  const report = stored(job, record, source);
  return {
    ...report,
    latencyMs,
    usage: addUsage(NO_USAGE, source === 'model' ? record.usage : NO_USAGE),
    strategySwitched,
  };
}

async function currentJob(store: JobStore, jobId: string): Promise<JobRecord> {
  const job = await store.getJob(jobId);
  if (!job) throw new JobNotFoundError(`Job ${jobId} vanished while its round ran`);
  return job;
}

/** A model reply and the strategy that produced it. */
interface StrategyReply {
  reply: TimedReply;
  strategy: ContinuationStrategy;
  /** Whether this round switched an `auto` job from prefill to instruction. */
  switched: boolean;
}

/**
 * Calls the model with the round's strategy. An `auto` job whose model rejects prefill switches to
 * instruction for good: the switch is recorded before the round is asked again.
 */
async function callModelWithStrategy(
  store: JobStore,
  callModel: CallModel,
  job: JobRecord,
  round: number,
  documentSoFar: string,
): Promise<StrategyReply> {
  const strategy = chooseRoundStrategy(
    job.config.continuation,
    job.strategy,
    documentSoFar,
    job.noProgressRounds,
  );
  try {
    const conversation = buildConversation(job.config, documentSoFar, strategy, askOptions(job));
    const reply = await callModel(job.config, conversation);
    return { reply, strategy, switched: false };
  } catch (error) {
    if (
      !(error instanceof PrefillRejectedError && job.config.continuation === 'auto' && strategy === 'prefill')
    ) {
      throw error;
    }
    await store.switchToInstruction(job.jobId, round);
    const conversation = buildConversation(job.config, documentSoFar, 'instruction', askOptions(job));
    const reply = await callModel(job.config, conversation);
    return { reply, strategy: 'instruction', switched: true };
  }
}

/** After a round that added nothing (an instruction reply that could not be placed, say), ask strictly. */
function askOptions(job: JobRecord): ConversationOptions {
  return { strict: job.noProgressRounds > 0 };
}

function buildRoundRecord(
  job: JobRecord,
  round: number,
  strategy: ContinuationStrategy,
  documentSoFar: string,
  reply: TimedReply,
): RoundRecord {
  const joined = joinChunk(strategy, documentSoFar, reply.text, job.config, askOptions(job));
  const stopReason = joined.stoppedAtSequence ? 'stop_sequence' : reply.stopReason;
  const decision = decideAfterRound({
    stopReason,
    stoppedAtSequence: joined.stoppedAtSequence,
    // Progress is what the document gained: a reply that is all white space, or all repeated overlap,
    // moves nothing forward and must not loop until maxRounds.
    visibleCharacters: reply.text.trim() === '' ? 0 : joined.addedCharacters,
    replyPlaced: joined.replyPlaced,
    round,
    maxRounds: job.config.maxRounds,
    noProgressRounds: job.noProgressRounds,
  });
  return {
    round,
    text: reply.text,
    strategy,
    seam: joined.seam,
    stopReason,
    usage: reply.usage,
    latencyMs: reply.latencyMs,
    documentCharacters: documentSoFar.length + joined.addedCharacters,
    decision,
    createdAt: new Date().toISOString(),
  };
}

function stored(job: JobRecord, record: RoundRecord | undefined, source: RoundSource): RoundReport {
  return {
    result: {
      jobId: job.jobId,
      round: record?.round ?? job.nextRound - 1,
      nextRound: job.nextRound,
      next: nextStep(job),
      status: job.status,
      stopReason: record?.stopReason ?? job.stopReason ?? 'none',
      roundCharacters: record ? record.seam.chunkTo - record.seam.chunkFrom : 0,
      documentCharacters: job.documentCharacters,
      outputTokens: record?.usage.outputTokens ?? 0,
    },
    source,
    latencyMs: 0,
    usage: { ...NO_USAGE },
    strategySwitched: false,
  };
}
