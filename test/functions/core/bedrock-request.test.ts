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

describe('cache points on the wire', () => {
  // Haiku 4.5 caches from 4,096 tokens and has the hour TTL; 42,000 characters are well over its minimum.
  const document = 'Tide pools hold anemones, crabs and kelp. '.repeat(1000).trimEnd();
  const turns: ChatTurn[] = [CONVERSATION[0] as ChatTurn, { role: 'assistant', text: document }];

  it('Converse: the document in blocks with a cachePoint block, the hour TTL only for long rounds', () => {
    const request = buildConverseRequest({ ...CONFIG, maxTokensPerRound: 4096 }, turns);
    const content = request.messages[1]?.content ?? [];
    expect(content.at(-2)).toEqual({ cachePoint: { type: 'default' } });
    expect(content.flatMap((block) => ('text' in block ? [block.text] : [])).join('')).toBe(document);
    const long = buildConverseRequest({ ...CONFIG, maxTokensPerRound: 16_000 }, turns);
    expect(long.messages[1]?.content).toContainEqual({ cachePoint: { type: 'default', ttl: '1h' } });
  });

  it('InvokeModel: cache_control on the block before the point, no extra block', () => {
    const body = buildAnthropicBody({ ...CONFIG, api: 'invoke', maxTokensPerRound: 4096 }, turns);
    const content = body.messages[1]?.content ?? [];
    expect(content.at(-2)?.cache_control).toEqual({ type: 'ephemeral' });
    expect(content.at(-1)).not.toHaveProperty('cache_control');
    expect(content.map((block) => block.text).join('')).toBe(document);
  });

  it('no cache point with promptCaching false', () => {
    const request = buildConverseRequest({ ...CONFIG, maxTokensPerRound: 4096, promptCaching: false }, turns);
    expect(JSON.stringify(request)).not.toContain('cachePoint');
    const body = buildAnthropicBody({ ...CONFIG, maxTokensPerRound: 4096, promptCaching: false }, turns);
    expect(JSON.stringify(body)).not.toContain('cache_control');
  });
});
