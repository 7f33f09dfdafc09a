/** The request shape both operations are normalized to before validation and generation. */

/** One turn as the client sent it: its role (unchecked) and the text of each text block in order. */
export interface Turn {
  readonly role: string;
  readonly texts: readonly string[];
}

/** A conversation after parsing, before validation. */
export interface Conversation {
  readonly system: string;
  readonly messages: readonly Turn[];
}

/** The text of a turn as the model reads it. */
export function turnText(turn: Turn): string {
  return turn.texts.join('');
}
