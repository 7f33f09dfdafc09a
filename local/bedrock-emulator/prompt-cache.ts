/**
 * The emulator's prompt cache, accounted like Bedrock's: a prefix written at a cache point can be read
 * for 5 minutes (an hour with `"ttl": "1h"` where the model has it), each hit renewing it; a prefix is
 * keyed by the model and the exact bytes of the system prompt and of every message and block up to the point; from
 * each point the cache looks back 20 block boundaries for an earlier cached prefix; below the model's
 * minimum nothing is written, and the call still succeeds.
 */
import { createHash } from 'node:crypto';
import type { CachePoint, Conversation } from './conversation';
import type { ModelSpec } from './model-catalog';
import { type ApiKind, modelValidationError } from './service-error';
import { countTokens } from './tokenizer';

/** Cache points one request may carry. */
const MAX_CACHE_POINTS = 4;
/** Block boundaries Bedrock looks back from a cache point for an earlier cached prefix. */
const LOOK_BACK_BLOCKS = 20;
const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;

/** Input tokens of one request, split the way both APIs report them. */
export interface CacheUsage {
  /** Input neither read from nor written to the cache. */
  readonly uncached: number;
  readonly read: number;
  readonly written: number;
}

/** One block boundary of a request: the prefix key up to it, and the input tokens before it. */
interface Boundary {
  readonly key: string;
  readonly tokens: number;
}

/**
 * Too many cache points, or one with no content before it in its message, is refused as the model
 * refuses it. The too-many text is Anthropic's ("A maximum of 4 blocks with cache_control may be
 * provided. Found 5."); the misplaced-point text is UNCONFIRMED (no public Bedrock text found).
 */
export function validateCachePoints(api: ApiKind, conversation: Conversation): void {
  const points = conversation.cachePoints ?? [];
  if (points.length > MAX_CACHE_POINTS) {
    throw modelValidationError(
      api,
      `A maximum of ${MAX_CACHE_POINTS} blocks with cache_control may be provided. Found ${points.length}.`,
    );
  }
  if (points.some((point) => point.afterTexts === 0)) {
    throw modelValidationError(
      api,
      'A cache point must follow a content block. Please remove the invalid cache point and try again.',
    );
  }
}

/** A cache shared by every request to one emulator, with its own clock (tests move it forward). */
export class PromptCache {
  private readonly entries = new Map<string, { expiresAt: number; ttlMs: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Reads the longest cached prefix any cache point finds, writes the prefixes at the points beyond it
   * (those that reach the model's minimum), and splits the request's input tokens accordingly.
   */
  account(model: ModelSpec, conversation: Conversation): CacheUsage {
    const boundaries = boundariesOf(model, conversation);
    const total = boundaries.at(-1)?.tokens ?? 0;
    const points = model.promptCacheMinTokens === undefined ? [] : (conversation.cachePoints ?? []);
    const at = this.now();
    let read = 0;
    let hit: string | undefined;
    const marked = points.map((point) => ({ point, index: boundaryIndex(conversation, point) }));
    for (const { index } of marked) {
      for (let i = index; i >= Math.max(0, index - LOOK_BACK_BLOCKS); i--) {
        const boundary = boundaries[i] as Boundary;
        const entry = this.entries.get(boundary.key);
        if (!entry || entry.expiresAt <= at) continue;
        if (boundary.tokens > read) {
          read = boundary.tokens;
          hit = boundary.key;
        }
        break;
      }
    }
    if (hit) {
      const entry = this.entries.get(hit) as { expiresAt: number; ttlMs: number };
      entry.expiresAt = at + entry.ttlMs;
    }
    let writtenTo = read;
    for (const { point, index } of marked) {
      const boundary = boundaries[index] as Boundary;
      if (boundary.tokens < (model.promptCacheMinTokens as number) || boundary.tokens <= read) continue;
      const ttlMs = TTL_MS[point.ttl === '1h' && model.promptCacheOneHour ? '1h' : '5m'];
      this.entries.set(boundary.key, { expiresAt: at + ttlMs, ttlMs });
      writtenTo = Math.max(writtenTo, boundary.tokens);
    }
    const written = writtenTo - read;
    return { uncached: total - read - written, read, written };
  }
}

/** Index into {@link boundariesOf} of the boundary a cache point sits on. */
function boundaryIndex(conversation: Conversation, point: CachePoint): number {
  if (point.message < 0) return 0;
  let index = 0;
  for (let m = 0; m < point.message; m++) index += conversation.messages[m]?.texts.length ?? 0;
  return index + point.afterTexts;
}

/**
 * Every block boundary of a request, in order: after the system prompt (index 0), then after each text
 * block of each message. Keys chain a hash over the model (each model has its own cache), roles, message
 * starts and block texts.
 */
function boundariesOf(model: ModelSpec, conversation: Conversation): Boundary[] {
  let key = createHash('sha256').update(`${model.id}\u0000system\u0000${conversation.system}`).digest('hex');
  let tokens = countTokens(conversation.system);
  const boundaries: Boundary[] = [{ key, tokens }];
  for (const [m, turn] of conversation.messages.entries()) {
    for (const [t, text] of turn.texts.entries()) {
      const start = t === 0 ? `\u0000message ${m} ${turn.role}` : '';
      key = createHash('sha256').update(`${key}${start}\u0000block\u0000${text}`).digest('hex');
      tokens += countTokens(text);
      boundaries.push({ key, tokens });
    }
  }
  return boundaries;
}
