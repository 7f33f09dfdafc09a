/** The request shape both operations are normalized to before validation and generation. */
import { isRecord } from './request-body';

/** One turn as the client sent it: its role (unchecked) and the text of each text block in order. */
export interface Turn {
  readonly role: string;
  readonly texts: readonly string[];
}

/**
 * A cache point as sent: in message `message` (-1: the system prompt) after its first `afterTexts` text
 * blocks (Converse `cachePoint` blocks; InvokeModel `cache_control` on a block).
 */
export interface CachePoint {
  readonly message: number;
  readonly afterTexts: number;
  readonly ttl: '5m' | '1h';
}

/** A conversation after parsing, before validation. */
export interface Conversation {
  readonly system: string;
  readonly messages: readonly Turn[];
  readonly cachePoints?: readonly CachePoint[];
}

/** The text of a turn as the model reads it. */
export function turnText(turn: Turn): string {
  return turn.texts.join('');
}

/** One operation's reading of a content field: its text blocks and the cache points among them. */
export type ContentReader = (
  content: unknown,
  message: number,
) => { texts: string[]; cachePoints: CachePoint[] };

/** A conversation from a request's `system` and `messages` (already checked to be a list), read block by block. */
export function readConversation(
  system: unknown,
  messages: readonly unknown[],
  read: ContentReader,
): Conversation {
  const systemBlocks = read(system, -1);
  const cachePoints = [...systemBlocks.cachePoints];
  const turns: Turn[] = messages.map((message, index) => {
    const blocks = read(isRecord(message) ? message.content : undefined, index);
    cachePoints.push(...blocks.cachePoints);
    return { role: isRecord(message) ? String(message.role) : 'undefined', texts: blocks.texts };
  });
  return { system: systemBlocks.texts.join(''), messages: turns, cachePoints };
}
