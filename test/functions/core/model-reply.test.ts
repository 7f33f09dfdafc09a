import { describe, expect, it } from 'vitest';
import { BedrockModelError } from '../../../functions/core/errors';
import { parseAnthropicResponse, parseConverseOutput } from '../../../functions/core/model-reply';

describe('parseConverseOutput', () => {
  it('concatenates text blocks and ignores reasoning content', () => {
    const reply = parseConverseOutput({
      $metadata: { httpStatusCode: 200 },
      output: {
        message: {
          role: 'assistant',
          content: [
            { reasoningContent: { reasoningText: { text: 'thinking' } } },
            { text: 'Hello ' },
            { text: 'world 😀' },
          ],
        },
      },
      stopReason: 'max_tokens',
      usage: {
        inputTokens: 12,
        outputTokens: 10,
        totalTokens: 2070,
        cacheReadInputTokens: 2000,
        cacheWriteInputTokens: 48,
      },
      metrics: { latencyMs: 5 },
    });
    expect(reply).toEqual({
      text: 'Hello world 😀',
      stopReason: 'max_tokens',
      usage: { inputTokens: 12, outputTokens: 10, cacheReadInputTokens: 2000, cacheWriteInputTokens: 48 },
    });
  });

  it('accepts an empty content list, a missing stop reason and missing usage', () => {
    expect(parseConverseOutput({ output: { message: { role: 'assistant', content: [] } } })).toEqual({
      text: '',
      stopReason: 'unknown',
      usage: { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 },
    });
  });

  it.each([undefined, null, {}, { output: {} }, { output: { message: { content: 'text' } } }])(
    'throws BedrockModelError for the unreadable response %j',
    (output) => {
      expect(() => parseConverseOutput(output)).toThrow(BedrockModelError);
    },
  );
});

describe('parseAnthropicResponse', () => {
  it('concatenates type:text blocks only', () => {
    const reply = parseAnthropicResponse({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'x' },
        { type: 'text', text: '第一' },
        { type: 'tool_use', id: 't', name: 'n', input: {} },
        { type: 'text', text: '段' },
      ],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 3,
        output_tokens: 4,
        cache_read_input_tokens: 1500,
        cache_creation_input_tokens: 7,
      },
    });
    expect(reply).toEqual({
      text: '第一段',
      stopReason: 'end_turn',
      usage: { inputTokens: 3, outputTokens: 4, cacheReadInputTokens: 1500, cacheWriteInputTokens: 7 },
    });
  });

  it('keeps an unknown stop reason and treats null as unknown', () => {
    expect(parseAnthropicResponse({ content: [], stop_reason: 'pause_turn' }).stopReason).toBe('pause_turn');
    expect(parseAnthropicResponse({ content: [], stop_reason: null }).stopReason).toBe('unknown');
  });

  it.each([null, 'text', { content: [{ text: 'no type' }] }, { content: [], usage: { input_tokens: -1 } }])(
    'throws BedrockModelError for the unreadable body %j',
    (body) => {
      expect(() => parseAnthropicResponse(body)).toThrow(BedrockModelError);
    },
  );
});
