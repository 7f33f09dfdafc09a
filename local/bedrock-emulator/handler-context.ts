/** What a model-route handler needs from the running server. */
import type { InstructionQuirks } from './instruction-quirks';
import type { PromptCache } from './prompt-cache';

/** Per-request settings and services the server hands to the operation handlers. */
export interface HandlerContext {
  /** Document length when the prompt has no `[emulator:tokens=N]` directive. */
  readonly documentTokens: number;
  readonly quirks: InstructionQuirks | undefined;
  /** Waits out the configured latency for this many output tokens. */
  delay(outputTokens: number): Promise<void>;
  /** The server's prompt cache; absent, nothing is cached. */
  readonly promptCache?: PromptCache;
}

/** A successful answer: JSON body plus any extra response headers. */
export interface HandlerReply {
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}
