/**
 * Round overhead (`npm run bench`; `npx tsx bench/round-overhead.ts --quick` for the small CI version):
 * what the workflow adds to each round, and whether that stays flat as a document grows.
 *
 * 1. The offline workflow (state machine, handlers, local DynamoDB) against a direct in-process loop over
 *    the same emulator and the same core functions (no store), zero latency, 100 tokens per round,
 *    interleaved in one process; both documents must be byte-exact.
 * 2. DynamoDB read and write units of one job (Initialize, every round, Finalize), as the local DynamoDB
 *    reports them through ReturnConsumedCapacity: one warm round function, and a cold start every round,
 *    with a short prompt and with a ~290 KB one (its text in write-once parts, read once per container).
 * 3. 100 concurrent jobs: time until the first round finishes, and rounds/s against one job at a time.
 * 4. CLI start-up time for `--help`.
 */
// Dummy local credentials, quiet Powertools and the Node 20 polyfill, as for the test suites.
// The bench brings its own local servers, clients and credentials; this only quiets the SDK's Node 20
// notice, as the CLI does.
import '../cli/process-setup';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttp2Handler } from '@smithy/node-http-handler';
import { streamReply } from '../functions/adapters/bedrock-stream';
import { JobStore } from '../functions/adapters/job-store';
import { buildConversation, chooseRoundStrategy, resolveStrategy } from '../functions/core/conversation';
import type { JobConfig } from '../functions/core/job-config';
import { parseJobInput } from '../functions/core/job-input';
import { roundTimeBudget } from '../functions/core/round-time-budget';
import { applySeam, joinChunk } from '../functions/core/seam';
import { decideAfterRound } from '../functions/core/stop-reason-policy';
import { finishJob } from '../functions/workflow/finish-job';
import { type CallModel, runRound } from '../functions/workflow/run-round';
import { startJob } from '../functions/workflow/start-job';
import { targetDocument } from '../local/bedrock-emulator';
import { LOCAL_CREDENTIALS } from '../local/local-dynamodb';
import { OfflineRuntime } from '../local/offline-runtime';
import { startLocalServices, TEST_DEFAULTS, TEST_TABLE } from '../scenarios/local-services';

const QUICK = process.argv.includes('--quick');
const TOKENS_PER_ROUND = 100;
const SIZES = QUICK ? [50, 200] : [200, 1000, 1500];
const CAPACITY_ROUNDS = QUICK ? 20 : 100;
const CAPACITY_TOKENS_PER_ROUND = 1000;
/** A prompt too long for META (its text goes to write-once parts), about 290 KB of UTF-8. */
const LONG_PROMPT = ` Tide pools hold more life than any other part of the shore.`.repeat(4_800);
const CONCURRENT_JOBS = QUICK ? 20 : 100;
const CONCURRENT_ROUNDS = QUICK ? 5 : 10;
const SEQUENTIAL_JOBS = QUICK ? 5 : 20;
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Input for a job of about `rounds` rounds of `tokensPerRound` tokens (the last round ends the turn). */
function jobInput(label: string, rounds: number, tokensPerRound: number) {
  return {
    prompt: `Round overhead ${label} [emulator:tokens=${rounds * tokensPerRound - tokensPerRound / 2}]`,
    maxTokensPerRound: tokensPerRound,
    maxRounds: 1500,
  };
}

/** Per-round durations (ms) from the start time and each round's end time. */
function durations(startedAt: number, roundEnds: number[]): number[] {
  return roundEnds.map((end, index) => end - (index === 0 ? startedAt : (roundEnds[index - 1] as number)));
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
// Tenths are compared by their median round: on a shared machine a few rounds stall for other processes.
const tenth = (values: number[], which: 'first' | 'last') => {
  const size = Math.max(1, Math.floor(values.length / 10));
  return which === 'first' ? values.slice(0, size) : values.slice(-size);
};

interface TimedRun {
  ms: number[];
  exact: boolean;
}

/** The direct loop: the document in memory, the same core functions and model adapter as a round. */
async function runDirect(callModel: CallModel, input: ReturnType<typeof jobInput>): Promise<TimedRun> {
  const config: JobConfig = parseJobInput(input, TEST_DEFAULTS);
  const recorded = resolveStrategy(config.continuation, undefined);
  let document = '';
  let noProgressRounds = 0;
  const ends: number[] = [];
  const startedAt = performance.now();
  for (let round = 1; ; round++) {
    const strategy = chooseRoundStrategy(config.continuation, recorded, document, noProgressRounds);
    const conversation = buildConversation(config, document, strategy, { strict: noProgressRounds > 0 });
    const reply = await callModel(config, conversation);
    const joined = joinChunk(strategy, document, reply.text, config, { strict: noProgressRounds > 0 });
    const decision = decideAfterRound({
      stopReason: joined.stoppedAtSequence ? 'stop_sequence' : reply.stopReason,
      stoppedAtSequence: joined.stoppedAtSequence,
      visibleCharacters: reply.text.trim() === '' ? 0 : joined.addedCharacters,
      replyPlaced: joined.replyPlaced,
      round,
      maxRounds: config.maxRounds,
      noProgressRounds,
    });
    document = applySeam(document, reply.text, joined.seam);
    noProgressRounds = decision.noProgressRounds;
    ends.push(performance.now());
    if (decision.next === 'finish') break;
  }
  return { ms: durations(startedAt, ends), exact: document === targetDocument(input) };
}

/** One execution of the offline workflow, timed at each exit of the round state. */
async function runWorkflow(
  runtime: OfflineRuntime,
  jobId: string,
  input: ReturnType<typeof jobInput>,
): Promise<TimedRun & { succeeded: boolean }> {
  const ends: number[] = [];
  // Timed from the first round's start: Initialize is not a round.
  let startedAt: number | undefined;
  const execution = runtime.startExecution(jobId, input);
  for await (const event of execution.events) {
    const roundState = 'state' in event && event.state.name === runtime.roundStateName;
    if (roundState && event.type === 'StateEntered') startedAt ??= performance.now();
    if (roundState && event.type === 'StateExited') ends.push(performance.now());
  }
  const outcome = await execution.outcome;
  const document = await runtime.store.loadDocument(jobId);
  return {
    ms: durations(startedAt ?? Number.NaN, ends),
    exact: document === targetDocument(input),
    succeeded: outcome.status === 'SUCCEEDED',
  };
}

function fixed(value: number, digits = 1): string {
  return value.toFixed(digits);
}

function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  console.log(`\n${title}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

let failed = false;

/** Section 2: read and write units of one job through the round workflow, as a deployed stack runs it. */
async function measureCapacity(): Promise<(string | number)[][]> {
  const services = await startLocalServices();
  const units = { read: 0, write: 0, reads: 0, writes: 0 };
  const client = services.dynamo.createClient();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
      const isRead = /^(GetItem|Query|BatchGetItem|Scan)/.test(context.commandName ?? '');
      units[isRead ? 'read' : 'write'] += consumed?.CapacityUnits ?? 0;
      units[isRead ? 'reads' : 'writes']++;
      return result;
    },
    { step: 'initialize', name: 'countConsumedCapacity' },
  );
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const rows: (string | number)[][] = [];
  try {
    // Each store has its own document cache, as each warm Lambda container does.
    const containers: [string, number, boolean][] = [
      ['one warm round function', 1, false],
      ['two alternating round functions', 2, false],
      ['a cold start every round', Number.POSITIVE_INFINITY, false],
      ['one warm round function, 290 KB prompt', 1, true],
      ['a cold start every round, 290 KB prompt', Number.POSITIVE_INFINITY, true],
    ];
    for (const [container, count, longPrompt] of containers) {
      Object.assign(units, { read: 0, write: 0, reads: 0, writes: 0 });
      const jobId = `capacity-${count}${longPrompt ? '-long' : ''}`;
      const short = jobInput(jobId, CAPACITY_ROUNDS, CAPACITY_TOKENS_PER_ROUND);
      const input = longPrompt ? { ...short, prompt: `${short.prompt}${LONG_PROMPT}` } : short;
      const stores = Array.from(
        { length: Math.min(count, 2) },
        () => new JobStore(documents, TEST_TABLE, 86_400),
      );
      let store = stores[0] as JobStore;
      await startJob(store, TEST_DEFAULTS, jobId, input);
      let round = 1;
      let rounds = 0;
      for (;;) {
        store = Number.isFinite(count)
          ? (stores[(round - 1) % count] as JobStore)
          : new JobStore(documents, TEST_TABLE, 86_400);
        const { result } = await runRound(store, services.callModel, jobId, round);
        rounds++;
        if (result.next === 'finish') break;
        round = result.nextRound;
      }
      await finishJob(store, jobId);
      // The job's own units end here: reading the document back to check it is not part of the job.
      const job = { ...units };
      const exact = (await store.loadDocument(jobId)) === targetDocument(input);
      if (!exact) failed = true;
      rows.push([
        container,
        rounds,
        fixed(job.read),
        fixed(job.read / rounds, 2),
        fixed(job.write),
        fixed(job.write / rounds, 2),
        `${job.reads} / ${job.writes}`,
        exact ? 'yes' : 'NO',
      ]);
    }
  } finally {
    documents.destroy();
    await services.stop();
  }
  return rows;
}

async function measureOverhead(runtime: OfflineRuntime, callModel: CallModel) {
  const rows: (string | number)[][] = [];
  for (const size of SIZES) {
    // Interleaved: the direct loop and the workflow take turns on the same emulator, so drift hits both.
    const direct = await runDirect(callModel, jobInput(`direct ${size}`, size, TOKENS_PER_ROUND));
    const workflow = await runWorkflow(
      runtime,
      `overhead-${size}`,
      jobInput(`workflow ${size}`, size, TOKENS_PER_ROUND),
    );
    if (!direct.exact || !workflow.exact || !workflow.succeeded) failed = true;
    const added = (which: 'first' | 'last') =>
      median(tenth(workflow.ms, which)) - median(tenth(direct.ms, which));
    rows.push([
      workflow.ms.length,
      fixed(mean(direct.ms)),
      fixed(mean(workflow.ms)),
      fixed(mean(workflow.ms) - mean(direct.ms)),
      `${fixed(median(tenth(workflow.ms, 'first')))} → ${fixed(median(tenth(workflow.ms, 'last')))}`,
      fixed(median(tenth(workflow.ms, 'last')) / median(tenth(workflow.ms, 'first')), 2),
      `${fixed(added('first'))} → ${fixed(added('last'))}`,
      fixed(added('last') / Math.max(0.1, added('first')), 2),
      direct.exact && workflow.exact ? 'yes' : 'NO',
    ]);
  }
  return rows;
}

async function measureConcurrency(runtime: OfflineRuntime) {
  const input = (index: number) => jobInput(`concurrent ${index}`, CONCURRENT_ROUNDS, TOKENS_PER_ROUND);
  const startedAt = performance.now();
  let firstRoundAt: number | undefined;
  let rounds = 0;
  const outcomes = await Promise.all(
    Array.from({ length: CONCURRENT_JOBS }, async (_, index) => {
      const execution = runtime.startExecution(`concurrent-${index}`, input(index));
      for await (const event of execution.events) {
        if (event.type === 'StateExited' && event.state.name === runtime.roundStateName) {
          firstRoundAt ??= performance.now();
          rounds++;
        }
      }
      return (await execution.outcome).status;
    }),
  );
  const concurrentMs = performance.now() - startedAt;
  if (outcomes.some((status) => status !== 'SUCCEEDED')) failed = true;

  let sequentialRounds = 0;
  const sequentialStarted = performance.now();
  for (let index = 0; index < SEQUENTIAL_JOBS; index++) {
    const run = await runWorkflow(runtime, `sequential-${index}`, input(1000 + index));
    if (!run.exact || !run.succeeded) failed = true;
    sequentialRounds += run.ms.length;
  }
  const sequentialMs = performance.now() - sequentialStarted;
  return [
    [
      `${CONCURRENT_JOBS} at once`,
      rounds,
      fixed(((firstRoundAt ?? Number.NaN) - startedAt) / 1000, 2),
      fixed(rounds / (concurrentMs / 1000)),
    ],
    [
      `${SEQUENTIAL_JOBS} one at a time`,
      sequentialRounds,
      '',
      fixed(sequentialRounds / (sequentialMs / 1000)),
    ],
  ];
}

/** `longform --help` as `npm run longform` starts it (tsx), timed, with the peak memory GNU time reports. */
function measureCliStartup() {
  const runs = Array.from({ length: QUICK ? 1 : 3 }, () => {
    const started = performance.now();
    const child = spawnSync('/usr/bin/time', ['-f', '%M', 'node_modules/.bin/tsx', 'cli/main.ts', '--help'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    const ms = performance.now() - started;
    if (child.status !== 0) failed = true;
    const kib = Number(child.stderr.trim().split('\n').at(-1));
    return { ms, mib: kib / 1024 };
  });
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  const median = sorted[Math.floor(sorted.length / 2)] ?? { ms: Number.NaN, mib: Number.NaN };
  return [[fixed(median.ms, 0), fixed(median.mib, 0)]];
}

const capacity = await measureCapacity();
const runtimeStarted = performance.now();
const runtime = await OfflineRuntime.start();
const runtimeStartMs = performance.now() - runtimeStarted;
const bedrock = new BedrockRuntimeClient({
  endpoint: runtime.emulator?.url,
  region: 'us-east-1',
  credentials: LOCAL_CREDENTIALS,
  maxAttempts: 1,
  requestHandler: new NodeHttp2Handler({ requestTimeout: 60_000 }),
});
let overhead: (string | number)[][];
let concurrency: (string | number)[][];
try {
  // The direct loop calls Bedrock as a round does, streaming, with a minute-long round's budget.
  const budget = roundTimeBudget(60_000);
  const callModel: CallModel = (config, conversation) => streamReply(bedrock, config, conversation, budget);
  overhead = await measureOverhead(runtime, callModel);
  concurrency = await measureConcurrency(runtime);
} finally {
  bedrock.destroy();
  await runtime.stop();
}
const cli = measureCliStartup();

console.log(
  `Round overhead${QUICK ? ' (quick)' : ''}: offline runtime started in ${fixed(runtimeStartMs, 0)} ms`,
);
printTable(
  `Offline workflow against a direct loop (same emulator and core functions, zero latency, ${TOKENS_PER_ROUND} tokens/round), ms/round`,
  [
    'rounds',
    'direct',
    'workflow',
    'added',
    'workflow first → last tenth (median)',
    'workflow last/first',
    'added first → last tenth (median)',
    'added last/first',
    'byte-exact',
  ],
  overhead,
);
printTable(
  `DynamoDB capacity units of one job (${CAPACITY_ROUNDS} rounds of ${CAPACITY_TOKENS_PER_ROUND} tokens; local DynamoDB's ReturnConsumedCapacity)`,
  [
    'round function',
    'rounds',
    'read units',
    'read units/round',
    'write units',
    'write units/round',
    'read / write requests',
    'byte-exact',
  ],
  capacity,
);
printTable(
  `Concurrent jobs (${CONCURRENT_ROUNDS} rounds of ${TOKENS_PER_ROUND} tokens each)`,
  ['jobs', 'rounds', 'first round finished (s)', 'rounds/s'],
  concurrency,
);
printTable('CLI start-up (`tsx cli/main.ts --help`)', ['ms (median)', 'peak RSS (MiB)'], cli);
if (failed) {
  console.error('\nA job did not succeed byte-exact (or the CLI failed): see the tables above.');
  process.exitCode = 1;
}
