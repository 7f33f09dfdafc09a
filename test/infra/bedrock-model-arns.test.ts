import { describe, expect, it } from 'vitest';
import {
  bedrockInvokeResources,
  bedrockModelArns,
  InvalidModelIdError,
} from '../../infra/bedrock-model-arns';

const scope = { partition: 'aws', region: 'us-west-2', account: '111122223333' };

describe('bedrockModelArns', () => {
  it('allows a cross-region profile in this region and its model in every region', () => {
    expect(bedrockModelArns('us.anthropic.claude-haiku-4-5-20251001-v1:0', scope)).toEqual([
      'arn:aws:bedrock:us-west-2:111122223333:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
    ]);
  });

  it.each(['eu', 'apac', 'jp', 'au', 'ca', 'global', 'us-gov'])(
    'recognizes the %s profile prefix',
    (prefix) => {
      const [profile, model] = bedrockModelArns(`${prefix}.anthropic.claude-sonnet-4-6`, scope);
      expect(profile).toBe(
        `arn:aws:bedrock:us-west-2:111122223333:inference-profile/${prefix}.anthropic.claude-sonnet-4-6`,
      );
      expect(model).toBe('arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-6');
    },
  );

  it('allows a plain model id as a foundation model in every region only', () => {
    expect(bedrockModelArns('amazon.nova-pro-v1:0', { ...scope, partition: 'aws-cn' })).toEqual([
      'arn:aws-cn:bedrock:*::foundation-model/amazon.nova-pro-v1:0',
    ]);
    expect(bedrockModelArns('meta.llama3-70b-instruct-v1:0', scope)).toHaveLength(1);
  });

  it.each([
    '',
    '*',
    'anthropic.*',
    'us.anthropic/claude',
    ' amazon.nova-pro-v1:0',
    'arn:aws:bedrock:us-east-1::foundation-model/x',
  ])('refuses %j, which could widen or break the ARN', (id) => {
    expect(() => bedrockModelArns(id, scope)).toThrow(InvalidModelIdError);
  });
});

describe('bedrockInvokeResources', () => {
  it('lists every allowed id once', () => {
    expect(
      bedrockInvokeResources(
        [
          'us.anthropic.claude-haiku-4-5-20251001-v1:0',
          'anthropic.claude-haiku-4-5-20251001-v1:0',
          'amazon.nova-pro-v1:0',
        ],
        scope,
      ),
    ).toEqual([
      'arn:aws:bedrock:us-west-2:111122223333:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:*::foundation-model/amazon.nova-pro-v1:0',
    ]);
  });

  it('allows any model and any profile of this account when the list is empty', () => {
    expect(bedrockInvokeResources([], scope)).toEqual([
      'arn:aws:bedrock:*::foundation-model/*',
      'arn:aws:bedrock:us-west-2:111122223333:inference-profile/*',
    ]);
  });
});
