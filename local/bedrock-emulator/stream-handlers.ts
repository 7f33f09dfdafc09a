/**
 * `POST /model/{id}/converse-stream` and `/model/{id}/invoke-with-response-stream`: the streaming
 * operations. A request is validated and answered exactly as its non-streaming twin; the answer is then
 * sent as event-stream messages, one text delta per emulated token, which the server paces at the
 * configured latency per token.
 */
import { handleConverse } from './converse-handler';
import { eventMessage, exceptionMessage } from './event-stream';
import type { FaultKind } from './faults';
import type { HandlerContext } from './handler-context';
import { handleInvoke } from './invoke-handler';
import type { ModelSpec } from './model-catalog';
import { isRecord, type JsonRecord } from './request-body';
import { tokenEnd } from './tokenizer';

/** One message of a streamed answer; `tokens` is how many output tokens it carries (for pacing). */
export interface StreamFrame {
  readonly bytes: Buffer;
  readonly tokens: number;
}

/** A validated streaming request's answer, frame by frame. */
export type StreamOperation = (
  model: ModelSpec,
  body: string,
  context: HandlerContext,
) => Promise<StreamFrame[]>;

/** What the whole answer would have been; the wait is the server's, per frame. */
const noWait = (context: HandlerContext): HandlerContext => ({ ...context, delay: async () => undefined });

/** The text split at the emulator's token boundaries. */
function tokensOf(text: string): string[] {
  const tokens: string[] = [];
  for (let at = 0; at < text.length; ) {
    const end = tokenEnd(text, at);
    tokens.push(text.slice(at, end));
    at = end;
  }
  return tokens;
}

const frame = (bytes: Buffer, tokens = 0): StreamFrame => ({ bytes, tokens });

/** ConverseStream: messageStart, contentBlockDelta per token, contentBlockStop, messageStop, metadata. */
async function converseStream(
  model: ModelSpec,
  body: string,
  context: HandlerContext,
): Promise<StreamFrame[]> {
  const reply = (await handleConverse(model, body, noWait(context))).body as JsonRecord;
  const message = reply.output as { message: { content: { text: string }[] } };
  const text = message.message.content.map((block) => block.text).join('');
  return [
    frame(eventMessage('messageStart', { role: 'assistant' })),
    ...tokensOf(text).map((token) =>
      frame(eventMessage('contentBlockDelta', { contentBlockIndex: 0, delta: { text: token } }), 1),
    ),
    frame(eventMessage('contentBlockStop', { contentBlockIndex: 0 })),
    frame(eventMessage('messageStop', { stopReason: reply.stopReason })),
    frame(eventMessage('metadata', { usage: reply.usage, metrics: reply.metrics })),
  ];
}

/** An Anthropic Messages event inside a `chunk` event, base64 in `bytes` as Bedrock sends it. */
const chunk = (event: JsonRecord, tokens = 0): StreamFrame =>
  frame(
    eventMessage('chunk', { bytes: Buffer.from(JSON.stringify(event), 'utf8').toString('base64') }),
    tokens,
  );

/** InvokeModelWithResponseStream: the Anthropic Messages stream, event by event. */
async function invokeStream(model: ModelSpec, body: string, context: HandlerContext): Promise<StreamFrame[]> {
  const reply = (await handleInvoke(model, body, noWait(context))).body as JsonRecord;
  const content = reply.content as { text: string }[];
  const usage = isRecord(reply.usage) ? reply.usage : {};
  const text = content.map((block) => block.text).join('');
  return [
    chunk({
      type: 'message_start',
      message: {
        ...reply,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
    chunk({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    ...tokensOf(text).map((token) =>
      chunk({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: token } }, 1),
    ),
    chunk({ type: 'content_block_stop', index: 0 }),
    chunk({
      type: 'message_delta',
      delta: { stop_reason: reply.stop_reason, stop_sequence: reply.stop_sequence },
      usage: { output_tokens: usage.output_tokens },
    }),
    chunk({
      type: 'message_stop',
      'amazon-bedrock-invocationMetrics': {
        inputTokenCount: usage.input_tokens,
        outputTokenCount: usage.output_tokens,
      },
    }),
  ];
}

/** The streaming operations by the last segment of their path. */
export const STREAM_OPERATIONS: Record<string, StreamOperation> = {
  'converse-stream': converseStream,
  'invoke-with-response-stream': invokeStream,
};

/**
 * The exception message a fault becomes inside a stream: the union member each operation declares
 * (ConverseStream has no model timeout member; its model-side failure is a model stream error).
 */
export function streamFaultMessage(operation: string, fault: Exclude<FaultKind, 'dropConnection'>): Buffer {
  const messages: Record<typeof fault, readonly [string, string]> = {
    throttle: ['throttlingException', 'Too many requests, please wait before trying again.'],
    unavailable: ['serviceUnavailableException', 'Bedrock is unable to process your request.'],
    internal: [
      'internalServerException',
      'The system encountered an unexpected error during processing. Try your request again.',
    ],
    modelTimeout:
      operation === 'converse-stream'
        ? ['modelStreamErrorException', 'The model stream was interrupted. Try your request again.']
        : ['modelTimeoutException', 'Model has timed out in processing the request. Try your request again.'],
  };
  const [type, message] = messages[fault];
  return exceptionMessage(type, message);
}

/** A fault a stream meets part-way: after `atShare` of its frames, an exception or a dropped stream. */
export interface StreamFault {
  readonly kind: FaultKind;
  readonly atShare: number;
}

/** Where a server writes a stream; `drop` resets it without an answer. */
export interface StreamSink {
  write(bytes: Buffer): void;
  end(bytes?: Buffer): void;
  drop(): void;
  /** True once the client went away (it ended the stream early, as a time-boxed round does). */
  readonly closed: boolean;
}

/**
 * Writes the frames, waiting `latencyPerTokenMs` per output token before each, and meets `fault` at
 * its point: an exception message ends the stream, a drop resets it. Stops when the client leaves.
 */
export async function writeStream(
  operation: string,
  frames: readonly StreamFrame[],
  sink: StreamSink,
  latencyPerTokenMs: number,
  sleep: (ms: number) => Promise<unknown>,
  fault?: StreamFault,
): Promise<void> {
  const faultIndex = fault ? Math.floor(fault.atShare * frames.length) : frames.length;
  for (const [index, next] of frames.entries()) {
    if (index === faultIndex && fault) {
      if (fault.kind === 'dropConnection') sink.drop();
      else sink.end(streamFaultMessage(operation, fault.kind));
      return;
    }
    if (latencyPerTokenMs > 0 && next.tokens > 0) await sleep(next.tokens * latencyPerTokenMs);
    if (sink.closed) return;
    sink.write(next.bytes);
  }
  sink.end();
}
