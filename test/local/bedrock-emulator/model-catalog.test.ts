import { describe, expect, it } from 'vitest';
import {
  EMULATOR_MODELS,
  INFERENCE_PROFILE_PREFIXES,
  resolveModel,
} from '../../../local/bedrock-emulator/model-catalog';

const byId = Object.fromEntries(EMULATOR_MODELS.map((m) => [m.id, m]));

describe('model catalogue', () => {
  it("lists today's models with their limits, prefill support and sampling rules", () => {
    expect(byId['anthropic.claude-haiku-4-5-20251001-v1:0']).toMatchObject({
      maxOutputTokens: 64_000,
      contextWindow: 200_000,
      prefill: 'accepted',
      sampling: 'temperature-or-top-p',
      lifecycle: 'legacy',
    });
    for (const id of ['anthropic.claude-opus-4-6-v1', 'anthropic.claude-sonnet-4-6']) {
      expect(byId[id]).toMatchObject({
        maxOutputTokens: 128_000,
        contextWindow: 1_000_000,
        prefill: 'rejected-claude',
        sampling: 'temperature-or-top-p',
      });
    }
    for (const id of [
      'anthropic.claude-opus-4-7',
      'anthropic.claude-opus-4-8',
      'anthropic.claude-sonnet-5',
      'anthropic.claude-fable-5',
    ]) {
      expect(byId[id], id).toMatchObject({
        maxOutputTokens: 128_000,
        prefill: 'rejected-claude',
        sampling: 'none',
      });
    }
    expect(byId['anthropic.claude-sonnet-4-6']?.anthropicName).toBe('claude-sonnet-4-6');
    expect(byId['anthropic.claude-opus-4-6-v1']?.anthropicName).toBe('claude-opus-4-6');
    expect(byId['amazon.nova-pro-v1:0']?.prefill).toBe('accepted');
    expect(byId['amazon.nova-2-lite-v1:0']?.prefill).toBe('accepted');
    expect(byId['meta.llama3-8b-instruct-v1:0']).toMatchObject({
      contextWindow: 8192,
      maxOutputTokens: 2048,
    });
    expect(byId['meta.llama4-maverick-17b-instruct-v1:0']?.prefill).toBe('rejected-llama');
    expect(byId['mistral.mistral-large-2407-v1:0']?.provider).toBe('mistral');
  });

  it('marks the retired models end-of-life', () => {
    const retired = EMULATOR_MODELS.filter((model) => model.lifecycle === 'end-of-life').map(
      (model) => model.id,
    );
    expect(retired).toEqual([
      'anthropic.claude-3-haiku-20240307-v1:0',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
    ]);
  });

  it('resolves every inference-profile prefix, au., ca. and us-gov. included, and ARNs to the base model', () => {
    expect(INFERENCE_PROFILE_PREFIXES).toEqual(expect.arrayContaining(['au.', 'ca.', 'us-gov.']));
    for (const prefix of INFERENCE_PROFILE_PREFIXES) {
      expect(resolveModel(`${prefix}anthropic.claude-sonnet-4-6`)).toEqual({
        model: expect.objectContaining({ id: 'anthropic.claude-sonnet-4-6' }),
        throughProfile: true,
      });
    }
    expect(
      resolveModel('arn:aws:bedrock:us-east-1:000000000000:inference-profile/us.anthropic.claude-opus-4-7')
        ?.model.id,
    ).toBe('anthropic.claude-opus-4-7');
    expect(resolveModel('amazon.nova-pro-v1:0')?.throughProfile).toBe(false);
    expect(resolveModel('anthropic.claude-unknown')).toBeUndefined();
    expect(resolveModel('xx.anthropic.claude-opus-4-7')).toBeUndefined();
  });

  it('marks the Claude 4 generation, Nova 2 Lite and Llama 4 as callable only through an inference profile', () => {
    const profileOnly = EMULATOR_MODELS.filter((model) => model.profileOnly).map((model) => model.id);
    expect(profileOnly).toEqual([
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      'anthropic.claude-haiku-4-5-20251001-v1:0',
      'anthropic.claude-opus-4-6-v1',
      'anthropic.claude-sonnet-4-6',
      'anthropic.claude-opus-4-7',
      'anthropic.claude-opus-4-8',
      'anthropic.claude-sonnet-5',
      'anthropic.claude-fable-5',
      'amazon.nova-2-lite-v1:0',
      'meta.llama4-maverick-17b-instruct-v1:0',
    ]);
  });
});
