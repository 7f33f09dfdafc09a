import { describe, expect, it } from 'vitest';
import { StreamedReply } from '../../../functions/core/streamed-reply';

describe('StreamedReply', () => {
  it('assembles a ConverseStream reply: text deltas, stop reason, usage with cache counts', () => {
    const reply = new StreamedReply();
    reply.addConverseEvent({ messageStart: { role: 'assistant' } });
    reply.addConverseEvent({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Hello, ' } } });
    reply.addConverseEvent({
      contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'x' } } },
    });
    reply.addConverseEvent({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'world' } } });
    expect(reply.stopped).toBe(false);
    reply.addConverseEvent({ messageStop: { stopReason: 'max_tokens' } });
    reply.addConverseEvent({
      metadata: {
        usage: { inputTokens: 12, outputTokens: 5, cacheReadInputTokens: 3, cacheWriteInputTokens: 4 },
      },
    });
    expect(reply.finish()).toEqual({
      text: 'Hello, world',
      stopReason: 'max_tokens',
      usage: { inputTokens: 12, outputTokens: 5, cacheReadInputTokens: 3, cacheWriteInputTokens: 4 },
    });
    // The model had finished: a cut now changes nothing.
    expect(reply.cut()).toEqual(reply.finish());
  });

  it('assembles an Anthropic Messages stream: input usage from message_start, output from message_delta', () => {
    const reply = new StreamedReply();
    reply.addAnthropicEvent({
      type: 'message_start',
      message: {
        usage: {
          input_tokens: 20,
          output_tokens: 1,
          cache_read_input_tokens: 7,
          cache_creation_input_tokens: 0,
        },
      },
    });
    reply.addAnthropicEvent({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    reply.addAnthropicEvent({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: 'Once' },
    });
    reply.addAnthropicEvent({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'thinking_delta', thinking: 'hm' },
    });
    reply.addAnthropicEvent({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: 9 },
    });
    expect(reply.finish()).toEqual({
      text: 'Once',
      stopReason: 'end_turn',
      usage: { inputTokens: 20, outputTokens: 9, cacheReadInputTokens: 7, cacheWriteInputTokens: 0 },
    });
  });

  it('cuts an unfinished reply with time_budget, never inside a surrogate pair, counting deltas as tokens', () => {
    const reply = new StreamedReply();
    reply.addAnthropicEvent({
      type: 'message_start',
      message: { usage: { input_tokens: 20, output_tokens: 1 } },
    });
    for (const text of ['a', 'b', '\ud83d']) {
      reply.addAnthropicEvent({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
    }
    expect(reply.cut()).toEqual({
      text: 'ab',
      stopReason: 'time_budget',
      usage: { inputTokens: 20, outputTokens: 3, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 },
    });
  });

  it('says unknown when a stream ended without a stop reason', () => {
    const reply = new StreamedReply();
    reply.addConverseEvent({ contentBlockDelta: { delta: { text: 'x' } } });
    expect(reply.finish().stopReason).toBe('unknown');
  });
});
