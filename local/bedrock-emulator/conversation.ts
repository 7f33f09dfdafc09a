/** The request shape both operations are normalized to before validation and generation. */

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
