import type { ModelReply } from './model-reply';
import { cutAtCodePoint } from './round-time-budget';
import type { StopReason } from './stop-reason';
import { normalizeStopReason } from './stop-reason-policy';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null;
const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;

/**
 * A model reply assembled from stream events as they arrive: ConverseStream's events (`messageStart`,
 * `contentBlockDelta`, `messageStop`, `metadata`) or the Anthropic Messages events InvokeModel
 * streams inside `chunk.bytes` (`message_start`, `content_block_delta`, `message_delta`,
 * `message_stop`). Only text deltas count, like text blocks in a whole response.
 */
export class StreamedReply {
  private readonly parts: string[] = [];
  private stopReason: StopReason | undefined;
  private deltas = 0;
  private readonly usage = {
    inputTokens: 0,
    outputTokens: 0,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
  };

  /** Whether the model said why it stopped: the reply is whole even if the stream is cut now. */
  get stopped(): boolean {
    return this.stopReason !== undefined;
  }

  /** The text received so far. */
  get text(): string {
    return this.parts.join('');
  }

  /** Adds one ConverseStream event (the SDK's `ConverseStreamOutput` union member). */
  addConverseEvent(event: JsonObject): void {
    const delta = isObject(event.contentBlockDelta) ? event.contentBlockDelta.delta : undefined;
    if (isObject(delta) && typeof delta.text === 'string') this.addText(delta.text);
    if (isObject(event.messageStop)) {
      this.stopReason = normalizeStopReason(event.messageStop.stopReason as string | undefined);
    }
    const usage = isObject(event.metadata) ? event.metadata.usage : undefined;
    if (isObject(usage)) {
      this.setUsage(
        usage.inputTokens,
        usage.outputTokens,
        usage.cacheReadInputTokens,
        usage.cacheWriteInputTokens,
      );
    }
  }

  /** Adds one Anthropic Messages stream event, JSON-decoded from a `chunk.bytes`. */
  addAnthropicEvent(event: JsonObject): void {
    if (event.type === 'message_start' && isObject(event.message) && isObject(event.message.usage)) {
      const { usage } = event.message;
      this.setUsage(
        usage.input_tokens,
        usage.output_tokens,
        usage.cache_read_input_tokens,
        usage.cache_creation_input_tokens,
      );
    } else if (event.type === 'content_block_delta' && isObject(event.delta)) {
      if (event.delta.type === 'text_delta' && typeof event.delta.text === 'string')
        this.addText(event.delta.text);
    } else if (event.type === 'message_delta') {
      if (isObject(event.delta) && typeof event.delta.stop_reason === 'string') {
        this.stopReason = normalizeStopReason(event.delta.stop_reason);
      }
      if (isObject(event.usage)) this.setUsage(undefined, event.usage.output_tokens);
    }
  }

  /** The reply as the model finished it (`unknown` stop reason if it never said). */
  finish(): ModelReply {
    return { text: this.text, stopReason: this.stopReason ?? 'unknown', usage: { ...this.usage } };
  }

  /**
   * The reply cut by the round's time budget: the text so far up to a code-point boundary, stop reason
   * `time_budget`. Bedrock reports output tokens only at the end, so a cut round counts its text deltas.
   */
  cut(): ModelReply {
    if (this.stopped) return this.finish();
    return {
      text: cutAtCodePoint(this.text),
      stopReason: 'time_budget',
      usage: { ...this.usage, outputTokens: Math.max(this.usage.outputTokens, this.deltas) },
    };
  }

  private addText(text: string): void {
    this.parts.push(text);
    this.deltas++;
  }

  private setUsage(input?: unknown, output?: unknown, cacheRead?: unknown, cacheWrite?: unknown): void {
    this.usage.inputTokens = count(input) ?? this.usage.inputTokens;
    this.usage.outputTokens = count(output) ?? this.usage.outputTokens;
    this.usage.cacheReadInputTokens = count(cacheRead) ?? this.usage.cacheReadInputTokens;
    this.usage.cacheWriteInputTokens = count(cacheWrite) ?? this.usage.cacheWriteInputTokens;
  }
}
