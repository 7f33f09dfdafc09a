import { describe, expect, it } from 'vitest';
import { buildAnthropicBody, buildConverseRequest } from '../../../functions/core/bedrock-request';
import type { ChatTurn, JobConfig } from '../../../functions/core/job-config';

const CONFIG: JobConfig = {
  messages: [{ role: 'user', text: 'Write' }],
  modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  api: 'converse',
  maxTokensPerRound: 10,
  maxRounds: 5,
  continuation: 'auto',
  stopSequences: [],
};
const CONVERSATION: ChatTurn[] = [
  { role: 'user', text: 'Write' },
  { role: 'assistant', text: '# Title' },
];

describe('buildConverseRequest', () => {
  it('sends only what is needed when no optional field was given', () => {
    expect(buildConverseRequest(CONFIG, CONVERSATION)).toEqual({
      modelId: CONFIG.modelId,
      messages: [
        { role: 'user', content: [{ text: 'Write' }] },
        { role: 'assistant', content: [{ text: '# Title' }] },
      ],
      inferenceConfig: { maxTokens: 10 },
    });
  });

  it('sends system, sampling fields, stop sequences and topK when given', () => {
    const config = {
      ...CONFIG,
      system: 'Be terse',
      temperature: 0,
      topP: 0.9,
      topK: 40,
      stopSequences: ['<END>'],
    };
    expect(buildConverseRequest(config, CONVERSATION)).toMatchObject({
      system: [{ text: 'Be terse' }],
      inferenceConfig: { maxTokens: 10, temperature: 0, topP: 0.9, stopSequences: ['<END>'] },
      additionalModelRequestFields: { top_k: 40 },
    });
  });

  it('does not share the stop sequence array with the config', () => {
    const config = { ...CONFIG, stopSequences: ['x'] };
    const request = buildConverseRequest(config, CONVERSATION);
    request.inferenceConfig.stopSequences?.push('y');
    expect(config.stopSequences).toEqual(['x']);
  });
});

describe('buildAnthropicBody', () => {
  it('sends the required fields only when no optional field was given', () => {
    expect(buildAnthropicBody(CONFIG, CONVERSATION)).toEqual({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 10,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Write' }] },
        { role: 'assistant', content: [{ type: 'text', text: '# Title' }] },
      ],
    });
  });

  it('sends system, stop sequences and each sampling field when given', () => {
    const config = { ...CONFIG, system: 'S', temperature: 1, topP: 0, topK: 1, stopSequences: ['a', 'b'] };
    expect(buildAnthropicBody(config, CONVERSATION)).toMatchObject({
      system: 'S',
      stop_sequences: ['a', 'b'],
      temperature: 1,
      top_p: 0,
      top_k: 1,
    });
    expect(buildAnthropicBody({ ...CONFIG, temperature: 0.5 }, CONVERSATION)).not.toHaveProperty('top_p');
  });
});
