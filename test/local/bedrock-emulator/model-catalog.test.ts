import { describe, expect, it } from 'vitest';
import {
  EMULATOR_MODELS,
  INFERENCE_PROFILE_PREFIXES,
  resolveModel,
} from '../../../local/bedrock-emulator/model-catalog';

describe('model catalogue', () => {
  it('lists the models of the brief with their limits', () => {
    const byId = Object.fromEntries(EMULATOR_MODELS.map((m) => [m.id, m]));
    expect(byId['anthropic.claude-3-haiku-20240307-v1:0']?.maxOutputTokens).toBe(4096);
    expect(byId['anthropic.claude-opus-4-6-v1']?.prefill).toBe('rejected-claude');
    expect(byId['anthropic.claude-opus-4-7']?.sampling).toBe('none');
    expect(byId['amazon.nova-pro-v1:0']?.prefill).toBe('accepted');
    expect(byId['meta.llama3-8b-instruct-v1:0']?.contextWindow).toBe(8192);
  });

  it('resolves inference-profile prefixes and ARNs to the base model', () => {
    for (const prefix of INFERENCE_PROFILE_PREFIXES) {
      expect(resolveModel(`${prefix}anthropic.claude-sonnet-4-5-20250929-v1:0`)).toEqual({
        model: expect.objectContaining({ id: 'anthropic.claude-sonnet-4-5-20250929-v1:0' }),
        throughProfile: true,
      });
    }
    expect(
      resolveModel('arn:aws:bedrock:us-east-1:000000000000:inference-profile/us.anthropic.claude-opus-4-7')
        ?.model.id,
    ).toBe('anthropic.claude-opus-4-7');
    expect(resolveModel('anthropic.claude-3-haiku-20240307-v1:0')?.throughProfile).toBe(false);
    expect(resolveModel('anthropic.claude-unknown')).toBeUndefined();
    expect(resolveModel('xx.anthropic.claude-opus-4-7')).toBeUndefined();
  });

  it('marks the newer Claude models as callable only through an inference profile', () => {
    const profileOnly = EMULATOR_MODELS.filter((model) => model.profileOnly).map((model) => model.id);
    expect(profileOnly).toEqual([
      'anthropic.claude-haiku-4-5-20251001-v1:0',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      'anthropic.claude-opus-4-6-v1',
      'anthropic.claude-opus-4-7',
    ]);
  });
});
