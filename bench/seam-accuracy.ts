// Byte-exact success rate of the continuation strategies over many seeded emulator documents: the real
// core (conversation, request builders for both APIs, join, stop policy) against the emulator's request
// validation and model, in process, so thousands of documents run in minutes.
// Run: npx tsx bench/seam-accuracy.ts [documents per row]   (CI: npx tsx bench/seam-accuracy.ts 40)
// Exits 1 when a row lost or added text, or a prefill row is not exact.
import { buildAnthropicBody, buildConverseRequest } from '../functions/core/bedrock-request';
import { buildConversation } from '../functions/core/conversation';
import type { ChatTurn, ContinuationStrategy, JobConfig } from '../functions/core/job-config';
import { instructionResumePoint } from '../functions/core/resume-point';
import { applySeam, joinChunk } from '../functions/core/seam';
import { decideAfterRound } from '../functions/core/stop-reason-policy';
import {
  type Conversation,
  generateContinuation,
  type InstructionQuirks,
  resolveModel,
  targetDocument,
} from '../local/bedrock-emulator';
import { validateConversation } from '../local/bedrock-emulator/conversation-validation';
import { createRandom } from '../local/bedrock-emulator/seeded-random';
import { tokenEnd } from '../local/bedrock-emulator/tokenizer';

const DOCUMENTS = Number(process.argv[2] ?? 1000);
const MAX_ROUNDS = 1500;
const MIN_ROUND_TOKENS = 7;
const MAX_ROUND_TOKENS = 4096;
type Api = 'converse' | 'invoke';

/** Every behaviour alone at this rate per seam; the mix draws each at MIX_RATE, at most two per seam. */
const ALONE_RATE = 0.5;
const MIX_RATE = 0.2;

interface Scenario {
  name: string;
  strategy: ContinuationStrategy;
  quirks?: InstructionQuirks;
}

const SCENARIOS: Scenario[] = [
  { name: 'prefill', strategy: 'prefill' },
  { name: 'instruction, exact replies', strategy: 'instruction' },
  { name: 'instruction, ws-drop', strategy: 'instruction', quirks: { wsDropRate: ALONE_RATE } },
  { name: 'instruction, word-restart', strategy: 'instruction', quirks: { wordRestartRate: ALONE_RATE } },
  { name: 'instruction, line-restart', strategy: 'instruction', quirks: { lineRestartRate: ALONE_RATE } },
  { name: 'instruction, overlap 20-200', strategy: 'instruction', quirks: { overlapRate: ALONE_RATE } },
  { name: 'instruction, preamble', strategy: 'instruction', quirks: { preambleRate: ALONE_RATE } },
  { name: 'instruction, fence reopened', strategy: 'instruction', quirks: { fenceRate: ALONE_RATE } },
  {
    name: 'instruction, stray leading space',
    strategy: 'instruction',
    quirks: { leadingWhitespaceRate: ALONE_RATE },
  },
  {
    name: 'instruction, mix (≤ 2 per seam)',
    strategy: 'instruction',
    quirks: {
      wsDropRate: MIX_RATE,
      wordRestartRate: MIX_RATE,
      lineRestartRate: MIX_RATE,
      overlapRate: MIX_RATE,
      preambleRate: MIX_RATE,
      fenceRate: MIX_RATE,
      leadingWhitespaceRate: MIX_RATE,
      maxPerAnswer: 2,
    },
  },
];

/** A model that accepts prefill for the prefill row; a current Claude model (no prefill) otherwise. */
const MODEL_IDS: Record<ContinuationStrategy, string> = {
  prefill: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  instruction: 'us.anthropic.claude-sonnet-4-6',
};

type Outcome = 'exact' | 'ended early' | 'extra text' | 'lost text';

interface DocumentResult {
  outcome: Outcome;
  rounds: number;
  outputTokens: number;
  regeneratedTokens: number;
  roundTokens: number;
}

/** The conversation as the emulator parses it from each API's request. */
function asEmulatorConversation(api: Api, config: JobConfig, turns: ChatTurn[]): Conversation {
  if (api === 'converse') {
    const request = buildConverseRequest(config, turns);
    return {
      system: request.system?.map((block) => block.text).join('') ?? '',
      messages: request.messages.map((m) => ({
        role: m.role,
        texts: m.content.flatMap((c) => ('text' in c ? [c.text] : [])),
      })),
    };
  }
  const body = buildAnthropicBody(config, turns);
  return {
    system: body.system ?? '',
    messages: body.messages.map((m) => ({ role: m.role, texts: m.content.map((c) => c.text) })),
  };
}

/** Round budgets log-uniform over 7-4,096 tokens; documents of 2-12 rounds' worth (at least 300 tokens). */
function documentShape(seed: number): { prompt: string; maxTokensPerRound: number } {
  const random = createRandom(seed * 7919);
  const maxTokensPerRound = Math.round(
    MIN_ROUND_TOKENS * (MAX_ROUND_TOKENS / MIN_ROUND_TOKENS) ** random.next(),
  );
  const tokens = Math.max(300, Math.round(maxTokensPerRound * (2 + 10 * random.next())));
  return { prompt: `Seeded document ${seed} [emulator:tokens=${tokens}]`, maxTokensPerRound };
}

/** Whether every character of `target` appears in `text` in order (nothing of the target is missing). */
function containsInOrder(text: string, target: string): boolean {
  let t = 0;
  for (let i = 0; i < text.length && t < target.length; i++) if (text[i] === target[t]) t++;
  return t === target.length;
}

function runDocument(scenario: Scenario, api: Api, seed: number): DocumentResult {
  const { prompt, maxTokensPerRound } = documentShape(seed);
  const target = targetDocument({ prompt });
  const modelId = MODEL_IDS[scenario.strategy];
  const resolved = resolveModel(modelId);
  if (!resolved) throw new Error(`The emulator does not know ${modelId}`);
  const config: JobConfig = {
    messages: [{ role: 'user', text: prompt }],
    modelId,
    api,
    maxTokensPerRound,
    maxRounds: MAX_ROUNDS,
    continuation: scenario.strategy,
    stopSequences: [],
  };
  let document = '';
  let noProgressRounds = 0;
  let outputTokens = 0;
  let regeneratedTokens = 0;
  let round = 1;
  for (; round <= MAX_ROUNDS; round++) {
    const ask = { strict: noProgressRounds > 0 };
    const turns = buildConversation(config, document, scenario.strategy, ask);
    const conversation = asEmulatorConversation(api, config, turns);
    validateConversation(api, resolved.model, conversation, maxTokensPerRound);
    const reply = generateContinuation({
      conversation,
      maxTokens: maxTokensPerRound,
      ...(scenario.quirks ? { quirks: { ...scenario.quirks, seed } } : {}),
    });
    outputTokens += reply.outputTokens;
    if (scenario.strategy === 'instruction') {
      const resume = instructionResumePoint(document, maxTokensPerRound, ask.strict);
      if (resume) {
        // The model writes the quoted tail again: the tokens from the resume point to the tail's end
        // (counted on the target, which a document gone wrong may outgrow).
        const tailEnd = Math.min(target.length, resume.sentLength + resume.tail.trimEnd().length);
        for (let p = resume.sentLength; p < tailEnd; p = tokenEnd(target, p)) regeneratedTokens++;
      }
    }
    const joined = joinChunk(scenario.strategy, document, reply.text, config, ask);
    document = applySeam(document, reply.text, joined.seam);
    const decision = decideAfterRound({
      stopReason: reply.stopReason,
      stoppedAtSequence: joined.stoppedAtSequence,
      visibleCharacters: reply.text.trim() === '' ? 0 : joined.addedCharacters,
      replyPlaced: joined.replyPlaced,
      round,
      maxRounds: MAX_ROUNDS,
      noProgressRounds,
    });
    noProgressRounds = decision.noProgressRounds;
    if (decision.next === 'finish') break;
  }
  const outcome: Outcome =
    document === target
      ? 'exact'
      : target.startsWith(document)
        ? 'ended early'
        : containsInOrder(document, target)
          ? 'extra text'
          : 'lost text';
  return { outcome, rounds: round, outputTokens, regeneratedTokens, roundTokens: maxTokensPerRound };
}

interface Tally {
  documents: number;
  exact: number;
  endedEarly: number;
  extraText: number;
  lostText: number;
  rounds: number;
  outputTokens: number;
  regeneratedTokens: number;
}

function emptyTally(): Tally {
  return {
    documents: 0,
    exact: 0,
    endedEarly: 0,
    extraText: 0,
    lostText: 0,
    rounds: 0,
    outputTokens: 0,
    regeneratedTokens: 0,
  };
}

function add(tally: Tally, result: DocumentResult): void {
  tally.documents++;
  if (result.outcome === 'exact') tally.exact++;
  if (result.outcome === 'ended early') tally.endedEarly++;
  if (result.outcome === 'extra text') tally.extraText++;
  if (result.outcome === 'lost text') tally.lostText++;
  tally.rounds += result.rounds;
  tally.outputTokens += result.outputTokens;
  tally.regeneratedTokens += result.regeneratedTokens;
}

const percent = (part: number, whole: number, digits: number): string =>
  whole === 0 ? '-' : `${((100 * part) / whole).toFixed(digits)} %`;

/** Budgets a model's own additions (a 20-200 character repeat, a line of chatter) can fill on their own. */
const SMALL_ROUND_TOKENS = 63;
/** Rounds about 1,000 tokens long, where the issue bounds the rewind's cost. */
const NEAR_1000: [min: number, max: number] = [512, 2047];

interface RowTallies {
  all: Tally;
  larger: Tally;
  near1000: Tally;
}

function row(name: string, tallies: RowTallies): Record<string, string | number> {
  const { all, larger, near1000 } = tallies;
  return {
    row: name,
    documents: all.documents,
    exact: percent(all.exact, all.documents, 1),
    [`exact, > ${SMALL_ROUND_TOKENS} tok/round`]: percent(larger.exact, larger.documents, 1),
    'ended early': all.endedEarly,
    'extra text': all.extraText,
    'lost text': all.lostText,
    'rounds/doc': Number((all.rounds / Math.max(1, all.documents)).toFixed(1)),
    rewound: percent(all.regeneratedTokens, all.outputTokens, 2),
    'rewound, 512-2047 tok/round': percent(near1000.regeneratedTokens, near1000.outputTokens, 2),
  };
}

const started = performance.now();
const rows: Record<string, string | number>[] = [];
/** Rows that break what the join promises: text lost or added, or a prefill document not exact. */
const broken: string[] = [];
for (const scenario of SCENARIOS) {
  for (const api of ['converse', 'invoke'] as const) {
    const tallies: RowTallies = { all: emptyTally(), larger: emptyTally(), near1000: emptyTally() };
    for (let seed = 1; seed <= DOCUMENTS; seed++) {
      const result = runDocument(scenario, api, seed);
      add(tallies.all, result);
      if (result.roundTokens > SMALL_ROUND_TOKENS) add(tallies.larger, result);
      if (result.roundTokens >= NEAR_1000[0] && result.roundTokens <= NEAR_1000[1])
        add(tallies.near1000, result);
    }
    const name = `${scenario.name} (${api})`;
    rows.push(row(name, tallies));
    const { all } = tallies;
    if (all.lostText + all.extraText > 0 || (scenario.strategy === 'prefill' && all.exact < all.documents)) {
      broken.push(name);
    }
  }
}
console.log(
  `Seam accuracy: ${DOCUMENTS} seeded documents per row, round budgets ${MIN_ROUND_TOKENS}-${MAX_ROUND_TOKENS} tokens (log-uniform); ` +
    `each behaviour alone at rate ${ALONE_RATE} per seam, the mix at ${MIX_RATE} each, at most two per seam`,
);
console.table(rows);
console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
if (broken.length > 0) {
  console.error(`Rows that lost or added text, or prefill rows not exact: ${broken.join('; ')}`);
  process.exitCode = 1;
}
