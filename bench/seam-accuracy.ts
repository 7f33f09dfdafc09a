// Byte-exact success rate of the continuation strategies over many seeded emulator documents: the real
// core (conversation, join, stop policy) against the emulator's model, in process so 1,000s of documents
// run in seconds. Run: npx tsx bench/seam-accuracy.ts [documents]
import { buildConversation } from '../functions/core/conversation';
import type { ContinuationStrategy, JobConfig } from '../functions/core/job-config';
import { applySeam, joinChunk } from '../functions/core/seam';
import { generateContinuation, type InstructionQuirks, targetDocument } from '../local/bedrock-emulator';
import { createRandom } from '../local/bedrock-emulator/seeded-random';

const DOCUMENTS = Number(process.argv[2] ?? 1000);
const MAX_ROUNDS = 400;

interface Scenario {
  name: string;
  strategy: ContinuationStrategy;
  quirks?: InstructionQuirks;
}

const SCENARIOS: Scenario[] = [
  { name: 'prefill', strategy: 'prefill' },
  { name: 'instruction, no quirks', strategy: 'instruction' },
  {
    name: 'instruction, overlap 12-120 chars (rate 0.5)',
    strategy: 'instruction',
    quirks: { overlapRate: 0.5, overlapChars: [12, 120] },
  },
  {
    name: 'instruction, overlap 10-80 chars (rate 0.5)',
    strategy: 'instruction',
    quirks: { overlapRate: 0.5, overlapChars: [10, 80] },
  },
  { name: 'instruction, preamble (rate 0.5)', strategy: 'instruction', quirks: { preambleRate: 0.5 } },
  {
    name: 'instruction, overlap + preamble (rate 0.3 each)',
    strategy: 'instruction',
    quirks: { overlapRate: 0.3, preambleRate: 0.3, overlapChars: [12, 120] },
  },
  {
    name: 'instruction, leading white space (rate 0.5)',
    strategy: 'instruction',
    quirks: { leadingWhitespaceRate: 0.5 },
  },
];

function runDocument(scenario: Scenario, seed: number): { exact: boolean; rounds: number } {
  const random = createRandom(seed);
  const prompt = `Seeded document ${seed} [emulator:tokens=${300 + Math.floor(random.next() * 900)}]`;
  // Budgets larger than the longest repeat a model would make, as a user sizes maxTokensPerRound.
  const maxTokensPerRound = 60 + Math.floor(random.next() * 240);
  const config: JobConfig = {
    messages: [{ role: 'user', text: prompt }],
    modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    api: 'converse',
    maxTokensPerRound,
    maxRounds: MAX_ROUNDS,
    continuation: scenario.strategy,
    stopSequences: [],
  };
  let document = '';
  let round = 1;
  for (; round <= MAX_ROUNDS; round++) {
    const messages = buildConversation(config, document, scenario.strategy).map((turn) => ({
      role: turn.role,
      texts: [turn.text],
    }));
    const reply = generateContinuation({
      conversation: { system: '', messages },
      maxTokens: maxTokensPerRound,
      ...(scenario.quirks ? { quirks: { ...scenario.quirks, seed } } : {}),
    });
    const { seam } = joinChunk(scenario.strategy, document, reply.text, []);
    document = applySeam(document, reply.text, seam);
    if (reply.stopReason !== 'max_tokens') break;
  }
  return { exact: document === targetDocument({ prompt }), rounds: round };
}

const rows = SCENARIOS.map((scenario) => {
  const started = performance.now();
  let exact = 0;
  let rounds = 0;
  for (let seed = 1; seed <= DOCUMENTS; seed++) {
    const result = runDocument(scenario, seed);
    if (result.exact) exact++;
    rounds += result.rounds;
  }
  return {
    scenario: scenario.name,
    documents: DOCUMENTS,
    exact,
    rate: `${((100 * exact) / DOCUMENTS).toFixed(1)} %`,
    'rounds/doc': Number((rounds / DOCUMENTS).toFixed(1)),
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  };
});
console.table(rows);
