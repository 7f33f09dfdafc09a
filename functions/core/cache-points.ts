import type { ChatTurn, JobConfig } from './job-config';
import { type PromptCacheSupport, promptCacheFor } from './model-limits';
import { utf8Length } from './utf8';

/**
 * Prompt caching of the growing document (docs/architecture.md, "Prompt caching"). Bedrock caches the
 * prompt up to a cache point and finds it again only for the same bytes up to the same content-block
 * boundary, looking back about 20 blocks from each point. So the document goes out as blocks cut at
 * fixed character offsets (each round sends the same text in the same blocks as the round before, plus
 * new ones), with cache points after the newest block that is complete (never the last piece of the
 * turn, which a later round may send differently: prefill trims it, instruction quotes it).
 */

/** One piece of a turn as sent: a text block, or a cache point after the blocks before it. */
export type SentBlock = { text: string } | { cachePoint: true };

/** A conversation turn split into the blocks a request sends. */
export interface SentTurn {
  role: ChatTurn['role'];
  blocks: SentBlock[];
}

/** Bedrock's limit on cache points in one request. */
export const MAX_CACHE_POINTS = 4;

/**
 * Blocks between the cache points of one request: less than Bedrock's look-back of about 20 blocks, so
 * whichever earlier boundary the last round cached, one of the points finds it if a round adds up to
 * `MAX_CACHE_POINTS * CACHE_POINT_SPACING` blocks.
 */
const CACHE_POINT_SPACING = 16;

/** Smallest block: a round under 1,024 tokens would otherwise cut the document into many small blocks. */
const MIN_BLOCK_CHARACTERS = 1024;

/**
 * Rounds whose output can take longer than this many seconds at a slow 40 tokens/s use the 1-hour TTL
 * where the model has it: the 5-minute cache would expire before the next round asks.
 */
const FIVE_MINUTE_TTL_MAX_ROUND_TOKENS = 40 * 240;

/** Estimated tokens of a text for placing cache points: about 4 UTF-8 bytes a token (English and CJK). */
function estimatedTokens(text: string): number {
  return utf8Length(text) / 4;
}

/**
 * Characters per block for a job: half a character per token of a round (a round writes 3-6 characters
 * per token), so a round adds 6-12 blocks, below the spacing of cache points, and the piece after the
 * last cache point, sent uncached each round, stays small.
 */
export function blockCharacters(maxTokensPerRound: number): number {
  return Math.max(MIN_BLOCK_CHARACTERS, Math.round(maxTokensPerRound / 2));
}

/**
 * Where a document turn's text is cut into blocks: after each multiple of `size` characters, moved back
 * to just after the last character that is not white space (no block ends in white space, none is only
 * white space). Each cut depends only on the text before it, which later rounds send unchanged. Only
 * cuts with text that is not white space after them are returned.
 */
export function blockCuts(text: string, size: number): number[] {
  const cuts: number[] = [];
  for (let at = size; at < text.length; at += size) {
    let cut = at;
    // Back over white space, and never between the halves of a surrogate pair.
    while (cut > 0 && /[\s\uD800-\uDBFF]/u.test(text[cut - 1] as string)) cut--;
    if (cut > (cuts.at(-1) ?? 0)) cuts.push(cut);
  }
  // The last piece must hold text too: an instruction round's sent text ends in white space.
  while (cuts.length > 0 && text.slice(cuts.at(-1)).trim() === '') cuts.pop();
  return cuts;
}

/** Whether a round's request carries cache points, and with which TTL. */
export interface CachePolicy {
  support: PromptCacheSupport;
  ttl: '5m' | '1h';
}

/** The job's cache policy, or `undefined` when it sends no cache points (model unknown, or switched off). */
export function cachePolicy(config: JobConfig): CachePolicy | undefined {
  if (config.promptCaching === false) return undefined;
  const support = promptCacheFor(config.modelId);
  if (!support) return undefined;
  const longRounds = config.maxTokensPerRound > FIVE_MINUTE_TTL_MAX_ROUND_TOKENS;
  // Only Converse documents a TTL field; InvokeModel's cache_control always gets the 5-minute default.
  const hour = longRounds && support.oneHourTtl && config.api === 'converse';
  return { support, ttl: hour ? '1h' : '5m' };
}

/**
 * The turns a round sends, as blocks. The document is the assistant turn right after the job's own
 * messages; it is cut into blocks (see {@link blockCuts}) and, with a cache policy, gets up to
 * {@link MAX_CACHE_POINTS} cache points: after its newest complete block and every
 * {@link CACHE_POINT_SPACING} blocks before it, each only where the prompt before it reaches the model's
 * minimum. The text of every turn, joined, is exactly the conversation's.
 */
export function sentTurns(
  config: JobConfig,
  conversation: readonly ChatTurn[],
  policy: CachePolicy | undefined,
): SentTurn[] {
  const documentIndex = config.messages.length;
  let before = estimatedTokens(config.system ?? '');
  return conversation.map((turn, index) => {
    if (index !== documentIndex || turn.role !== 'assistant') {
      before += estimatedTokens(turn.text);
      return { role: turn.role, blocks: [{ text: turn.text }] };
    }
    const cuts = blockCuts(turn.text, blockCharacters(config.maxTokensPerRound));
    const points = new Set<number>();
    for (
      let k = cuts.length - 1;
      policy && k >= 0 && points.size < MAX_CACHE_POINTS;
      k -= CACHE_POINT_SPACING
    ) {
      const cut = cuts[k] as number;
      if (before + estimatedTokens(turn.text.slice(0, cut)) < policy.support.minTokens) break;
      points.add(cut);
    }
    const blocks: SentBlock[] = [];
    let from = 0;
    for (const cut of [...cuts, turn.text.length]) {
      blocks.push({ text: turn.text.slice(from, cut) });
      if (points.has(cut)) blocks.push({ cachePoint: true });
      from = cut;
    }
    return { role: turn.role, blocks };
  });
}
