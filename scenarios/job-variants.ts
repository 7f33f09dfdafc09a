import type { InstructionQuirks } from '../local/bedrock-emulator';

/**
 * The kinds of job the scenarios cycle through, so every fault meets both APIs and every continuation
 * strategy: prefill over Converse and over InvokeModel, explicit instruction mode, and `auto` on a model
 * that rejects prefill (it switches to instruction at round 2).
 */
export const JOB_VARIANTS = [
  { modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', api: 'converse', continuation: 'prefill' },
  { modelId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0', api: 'invoke', continuation: 'prefill' },
  { modelId: 'us.anthropic.claude-sonnet-4-6', api: 'converse', continuation: 'instruction' },
  { modelId: 'global.anthropic.claude-opus-4-6-v1', api: 'invoke', continuation: 'auto' },
] as const;

/**
 * Instruction-mode imperfections every scenario turns on: in 40 % of replies the model first repeats the
 * last 12 to 80 characters of the text it was given.
 */
export const SCENARIO_QUIRKS: InstructionQuirks = { seed: 11, overlapRate: 0.4, overlapChars: [12, 80] };

/** The execution input of job `index` of a scenario: a variant, a prompt unique to the job, its length. */
export function jobInput(
  scenario: string,
  index: number,
  tokens: number,
  maxTokensPerRound: number,
): { prompt: string } & Record<string, unknown> {
  const variant = JOB_VARIANTS[index % JOB_VARIANTS.length] as (typeof JOB_VARIANTS)[number];
  return {
    prompt: `${scenario}, job ${index}: a field guide to lighthouses [emulator:tokens=${tokens}]`,
    maxTokensPerRound,
    ...variant,
  };
}
