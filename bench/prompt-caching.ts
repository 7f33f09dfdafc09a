// What prompt caching saves on input: jobs run with and without cache points through the real round
// (runRound, the Bedrock adapter over HTTP, dynalite) against the emulator, which accounts for the cache
// like Bedrock. Prints total input, cache-read and cache-write tokens and the cache-weighted input cost
// relative to the same job without caching, (uncached + 1.25·write + 0.1·read) / all input, and checks
// that each document is byte-identical to the uncached run and to the emulator's target. Then a job
// paused for 10 minutes (its cache expired) and resumed.
// Run: npx tsx bench/prompt-caching.ts [--quick]   (--quick: the 20-round job only, for CI)
// Exits 1 when a target is missed or a document differs.
import { CACHE_PRICE_MULTIPLIERS } from '../functions/core/cost';
import type { Usage } from '../functions/core/job-record';
import { runRound } from '../functions/workflow/run-round';
import { startJob } from '../functions/workflow/start-job';
import { targetDocument } from '../local/bedrock-emulator';
import { driveJob, type LocalServices, startLocalServices, TEST_DEFAULTS } from '../scenarios/local-services';

const QUICK = process.argv.includes('--quick');
const PREFILL_MODEL = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const INSTRUCTION_MODEL = 'us.anthropic.claude-sonnet-4-6';
const PAUSE_MS = 10 * 60_000;

interface JobShape {
  name: string;
  rounds: number;
  roundTokens: number;
  target: number;
}

const SHAPES: JobShape[] = [
  { name: '20 × 4,096', rounds: 20, roundTokens: 4096, target: 0.25 },
  ...(QUICK ? [] : [{ name: '100 × 1,000', rounds: 100, roundTokens: 1000, target: 0.15 }]),
];

let emulatorNow = Date.now();
let jobs = 0;

/** The input of a job whose target document takes about `rounds` full rounds. */
function jobInput(
  shape: JobShape,
  api: 'converse' | 'invoke',
  strategy: 'prefill' | 'instruction',
  caching: boolean,
) {
  const tokens = Math.round((shape.rounds - 0.5) * shape.roundTokens);
  return {
    // Each API and strategy its own prompt, so no row reads what another row cached.
    prompt: `[emulator:tokens=${tokens}] A field guide to tide pools, ${shape.name}, ${api}, ${strategy}`,
    modelId: strategy === 'prefill' ? PREFILL_MODEL : INSTRUCTION_MODEL,
    api,
    continuation: strategy,
    maxTokensPerRound: shape.roundTokens,
    maxRounds: shape.rounds * 2,
    ...(caching ? {} : { promptCaching: false }),
  };
}

const allInput = (usage: Usage) =>
  usage.inputTokens + (usage.cacheReadInputTokens ?? 0) + (usage.cacheWriteInputTokens ?? 0);

/** Cache-weighted input cost relative to paying every input token at the input price. */
const weightedInput = (usage: Usage) =>
  (usage.inputTokens +
    CACHE_PRICE_MULTIPLIERS.write5m * (usage.cacheWriteInputTokens ?? 0) +
    CACHE_PRICE_MULTIPLIERS.read * (usage.cacheReadInputTokens ?? 0)) /
  allInput(usage);

async function runJob(services: LocalServices, input: ReturnType<typeof jobInput>) {
  const jobId = `cache-${++jobs}`;
  await startJob(services.store, TEST_DEFAULTS, jobId, input);
  const result = await driveJob(services.store, services.callModel, jobId);
  const job = await services.store.getJob(jobId);
  if (!job) throw new Error(`job ${jobId} vanished`);
  return { result, job, document: await services.store.loadDocument(jobId) };
}

const fmt = (n: number) => n.toLocaleString('en-US');
let failed = false;

async function main(): Promise<void> {
  const services = await startLocalServices({ promptCacheClock: () => emulatorNow });
  try {
    console.log(
      '| job | API | strategy | rounds | input tokens | cache read | cache write | uncached | weighted cost | target | document |',
    );
    console.log('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const shape of SHAPES) {
      for (const api of ['converse', 'invoke'] as const) {
        for (const strategy of ['prefill', 'instruction'] as const) {
          const plain = await runJob(services, jobInput(shape, api, strategy, false));
          const cached = await runJob(services, jobInput(shape, api, strategy, true));
          const usage = cached.job.usage;
          const ratio = weightedInput(usage);
          const target = targetDocument({ prompt: jobInput(shape, api, strategy, true).prompt });
          const identical = cached.document === plain.document;
          const exact = cached.document === target;
          const ok = identical && exact && cached.job.status === 'COMPLETED' && ratio <= shape.target;
          if (!ok) failed = true;
          console.log(
            `| ${shape.name} | ${api} | ${strategy} | ${cached.job.nextRound - 1} | ${fmt(allInput(usage))} | ` +
              `${fmt(usage.cacheReadInputTokens ?? 0)} | ${fmt(usage.cacheWriteInputTokens ?? 0)} | ` +
              `${fmt(usage.inputTokens)} | ${ratio.toFixed(3)} | ≤ ${shape.target} | ` +
              `${identical ? 'identical to uncached' : 'DIFFERS from uncached'}, ${exact ? 'exact' : 'NOT EXACT'}${ok ? '' : ' ✗'} |`,
          );
        }
      }
    }
    await pausedJob(services);
  } finally {
    await services.stop();
  }
  if (failed) {
    console.error('prompt-caching: a target was missed or a document differs');
    process.exitCode = 1;
  }
}

/** A prefill job paused after half its rounds for longer than the cache lives, then resumed. */
async function pausedJob(services: LocalServices): Promise<void> {
  const shape = SHAPES[0] as JobShape;
  const input = jobInput(shape, 'converse', 'prefill', true);
  const jobId = `cache-paused-${++jobs}`;
  await startJob(services.store, TEST_DEFAULTS, jobId, input);
  const half = Math.floor(shape.rounds / 2);
  for (let round = 1; round <= half; round++)
    await runRound(services.store, services.callModel, jobId, round);
  emulatorNow += PAUSE_MS;
  const before = await services.store.getJob(jobId);
  await driveJob(services.store, services.callModel, jobId, half + 1);
  const job = await services.store.getJob(jobId);
  if (!before || !job) throw new Error('paused job vanished');
  const rounds = [];
  for (let round = half + 1; round < job.nextRound; round++)
    rounds.push(await services.store.getRound(jobId, round));
  const missed = rounds.filter((round) => (round?.usage.cacheReadInputTokens ?? 0) === 0).length;
  const document = await services.store.loadDocument(jobId);
  const exact = document === targetDocument({ prompt: input.prompt });
  const firstWrite = rounds[0]?.usage.cacheWriteInputTokens ?? 0;
  const ok = exact && job.status === 'COMPLETED' && missed === 1;
  if (!ok) failed = true;
  console.log('');
  console.log(
    '| paused job | rounds after resume | rounds that read nothing | first write after resume | weighted cost | document |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | --- |');
  console.log(
    `| ${shape.name}, converse, prefill, paused ${PAUSE_MS / 60_000} min after round ${half} | ${rounds.length} | ${missed} | ` +
      `${fmt(firstWrite)} | ${weightedInput(job.usage).toFixed(3)} | ${exact ? 'exact' : 'NOT EXACT'}${ok ? '' : ' ✗'} |`,
  );
}

await main();
