import { describe, expect, it } from 'vitest';
import {
  blockCharacters,
  blockCuts,
  cachePolicy,
  MAX_CACHE_POINTS,
  type SentTurn,
  sentTurns,
} from '../../../functions/core/cache-points';
import { buildConversation } from '../../../functions/core/conversation';
import type { JobConfig } from '../../../functions/core/job-config';

const CONFIG: JobConfig = {
  messages: [{ role: 'user', text: 'Write a long guide' }],
  // Sonnet 4.6: caching, 5-minute TTL only, a 2,048-token minimum.
  modelId: 'us.anthropic.claude-sonnet-4-6',
  api: 'converse',
  maxTokensPerRound: 1000,
  maxRounds: 100,
  continuation: 'instruction',
  stopSequences: [],
};

/** Text with words, lines, runs of white space and an emoji, deterministic. */
function documentOf(length: number): string {
  const words = ['tide', 'pool', '  ', 'anemone\n', 'crab', '\n\n', '😀', 'kelp', '\t', 'urchin'];
  let text = '';
  for (let i = 0; text.length < length; i++) text += `${words[(i * 7 + (i >> 3)) % words.length]} `;
  return text.slice(0, length);
}

const texts = (turn: SentTurn | undefined) =>
  (turn?.blocks ?? []).flatMap((block) => ('text' in block ? [block.text] : []));
const cachePoints = (turns: SentTurn[]) =>
  turns.flatMap((turn) => turn.blocks).filter((block) => 'cachePoint' in block).length;

describe('blockCuts', () => {
  it('cuts a longer text the same way up to where the shorter one ends', () => {
    const long = documentOf(60_000);
    const all = blockCuts(long, 1024);
    for (const length of [1023, 1024, 5000, 17_777, 40_001]) {
      expect(blockCuts(long.slice(0, length), 1024)).toEqual(all.filter((cut) => cut < length));
    }
  });

  it('never ends a block in white space or between the halves of an emoji, and never leaves one empty', () => {
    const text = documentOf(30_000) + ' '.repeat(3000) + documentOf(5000);
    const cuts = blockCuts(text, 1024);
    let from = 0;
    for (const cut of cuts) {
      const block = text.slice(from, cut);
      expect(block.trim()).not.toBe('');
      expect(/\s$/u.test(block)).toBe(false);
      expect(/[\uD800-\uDBFF]$/u.test(block)).toBe(false);
      from = cut;
    }
    expect(cuts.length).toBeGreaterThan(20);
    // Nor is the last piece only white space (an instruction round sends text up to a word start).
    const sent = `${text.slice(0, 2048)}\n\n  `;
    const last = blockCuts(sent, 1024).at(-1) as number;
    expect(sent.slice(last).trim()).not.toBe('');
  });
});

describe('sentTurns', () => {
  it('sends exactly the conversation text, the document in blocks, and earlier blocks unchanged as it grows', () => {
    let previous: string[] = [];
    for (const length of [3000, 6100, 9050, 12_500, 40_000]) {
      const conversation = buildConversation(CONFIG, documentOf(length), 'instruction');
      const turns = sentTurns(CONFIG, conversation, cachePolicy(CONFIG));
      expect(turns.map((turn) => texts(turn).join(''))).toEqual(conversation.map((turn) => turn.text));
      const blocks = texts(turns[1]);
      // Every block but the newest (the piece a later round may send differently) is sent again as it was.
      const kept = Math.max(0, previous.length - 1);
      expect(blocks.slice(0, kept)).toEqual(previous.slice(0, kept));
      expect(blocks.length).toBeGreaterThan(kept);
      previous = blocks;
    }
  });

  it('places a cache point after the newest complete document block, before the user turn', () => {
    const conversation = buildConversation(CONFIG, documentOf(20_000), 'instruction');
    const [, documentTurn, userTurn] = sentTurns(CONFIG, conversation, cachePolicy(CONFIG));
    expect(documentTurn?.blocks.at(-2)).toEqual({ cachePoint: true });
    expect(documentTurn?.blocks.at(-1)).toHaveProperty('text');
    expect(userTurn?.blocks.some((block) => 'cachePoint' in block)).toBe(false);
  });

  it(`uses at most ${MAX_CACHE_POINTS} cache points, ${16} blocks apart`, () => {
    const conversation = buildConversation(CONFIG, documentOf(200 * 1024), 'prefill');
    const [, documentTurn] = sentTurns(CONFIG, conversation, cachePolicy(CONFIG));
    const blocks = documentTurn?.blocks ?? [];
    const points = blocks.flatMap((block, index) => ('cachePoint' in block ? [index] : []));
    expect(points).toHaveLength(MAX_CACHE_POINTS);
    // Indices count the cache-point blocks too: 16 text blocks and one point between neighbours.
    expect(points.slice(1).map((point, i) => point - (points[i] as number))).toEqual([17, 17, 17]);
  });

  it('places none below the model minimum, for a model not known to cache, or with promptCaching false', () => {
    const small = buildConversation(CONFIG, documentOf(6000), 'prefill');
    expect(cachePoints(sentTurns(CONFIG, small, cachePolicy(CONFIG)))).toBe(0);
    const large = buildConversation(CONFIG, documentOf(20_000), 'prefill');
    expect(cachePoints(sentTurns(CONFIG, large, cachePolicy(CONFIG)))).toBe(1);
    for (const config of [
      { ...CONFIG, modelId: 'us.anthropic.claude-opus-4-8' },
      { ...CONFIG, modelId: 'amazon.nova-pro-v1:0' },
      { ...CONFIG, promptCaching: false as const },
    ]) {
      expect(cachePolicy(config)).toBeUndefined();
      expect(cachePoints(sentTurns(config, large, cachePolicy(config)))).toBe(0);
    }
  });
});

describe('cachePolicy', () => {
  it('uses the hour TTL only over Converse, for rounds that can outlast 5 minutes, on a model that has it', () => {
    const haiku = { ...CONFIG, modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' };
    expect(cachePolicy({ ...haiku, maxTokensPerRound: 4096 })?.ttl).toBe('5m');
    expect(cachePolicy({ ...haiku, maxTokensPerRound: 32_000 })?.ttl).toBe('1h');
    expect(cachePolicy({ ...haiku, api: 'invoke', maxTokensPerRound: 32_000 })?.ttl).toBe('5m');
    expect(cachePolicy({ ...CONFIG, maxTokensPerRound: 32_000 })?.ttl).toBe('5m');
  });

  it('cuts blocks of half a character per round token, never under 1,024 characters', () => {
    expect(blockCharacters(10)).toBe(1024);
    expect(blockCharacters(8192)).toBe(4096);
  });
});
