// Times the offline workflow: start-up, and a 100-round document through the real definition and handlers.
// Run: npx tsx bench/offline-workflow.ts
import '../cli/process-setup';
import { targetDocument } from '../local/bedrock-emulator';
import { OfflineRuntime } from '../local/offline-runtime';

const ROUNDS = 100;
const TOKENS_PER_ROUND = 100;

const startedAt = performance.now();
const runtime = await OfflineRuntime.start();
const startupMs = performance.now() - startedAt;
try {
  const prompt = `Benchmark document [emulator:tokens=${ROUNDS * TOKENS_PER_ROUND}]`;
  const runStarted = performance.now();
  const execution = runtime.startExecution('bench-100', {
    prompt,
    maxTokensPerRound: TOKENS_PER_ROUND,
    maxRounds: 1000,
  });
  let rounds = 0;
  for await (const event of execution.events) {
    if (event.type === 'StateExited' && event.state.name === runtime.roundStateName) rounds++;
  }
  const outcome = await execution.outcome;
  const runMs = performance.now() - runStarted;
  const document = await runtime.store.loadDocument('bench-100');
  const exact = document === targetDocument({ prompt });
  console.log(
    JSON.stringify(
      {
        outcome: outcome.status,
        exact,
        rounds,
        characters: document.length,
        startupMs: Math.round(startupMs),
        runMs: Math.round(runMs),
        perRoundMs: Number((runMs / rounds).toFixed(1)),
      },
      null,
      2,
    ),
  );
  if (!exact || outcome.status !== 'SUCCEEDED') process.exitCode = 1;
} finally {
  await runtime.stop();
}
