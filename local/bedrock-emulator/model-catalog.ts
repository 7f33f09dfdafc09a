/** The models the emulator knows, with the limits and rules the real service enforces for each. */

/** How a model treats a final assistant turn (prefill). */
export type PrefillSupport = 'accepted' | 'rejected-claude' | 'rejected-llama';

/** Which sampling fields a model accepts. */
export type SamplingRule = 'any' | 'temperature-or-top-p' | 'none';

/** One catalogue entry. */
export interface ModelSpec {
  /** Base model id, without an inference-profile prefix. */
  readonly id: string;
  readonly provider: 'anthropic' | 'amazon' | 'meta';
  readonly maxOutputTokens: number;
  readonly contextWindow: number;
  readonly prefill: PrefillSupport;
  readonly sampling: SamplingRule;
  /** The name Anthropic models report in `model` of an InvokeModel response; absent for others. */
  readonly anthropicName?: string;
  /**
   * Callable only through an inference profile (`us.`, `global.` ...): Bedrock refuses the bare id
   * on demand, as it does for the newer Claude models.
   */
  readonly profileOnly?: boolean;
}

/** The catalogue. Ids are exact; inference-profile prefixes resolve through {@link resolveModel}. */
export const EMULATOR_MODELS: readonly ModelSpec[] = [
  {
    id: 'anthropic.claude-3-haiku-20240307-v1:0',
    provider: 'anthropic',
    maxOutputTokens: 4096,
    contextWindow: 200_000,
    prefill: 'accepted',
    sampling: 'any',
    anthropicName: 'claude-3-haiku-20240307',
  },
  {
    id: 'anthropic.claude-haiku-4-5-20251001-v1:0',
    profileOnly: true,
    provider: 'anthropic',
    maxOutputTokens: 64_000,
    contextWindow: 200_000,
    prefill: 'accepted',
    sampling: 'temperature-or-top-p',
    anthropicName: 'claude-haiku-4-5-20251001',
  },
  {
    id: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
    profileOnly: true,
    provider: 'anthropic',
    maxOutputTokens: 64_000,
    contextWindow: 200_000,
    prefill: 'accepted',
    sampling: 'temperature-or-top-p',
    anthropicName: 'claude-sonnet-4-5-20250929',
  },
  {
    id: 'anthropic.claude-opus-4-6-v1',
    profileOnly: true,
    provider: 'anthropic',
    maxOutputTokens: 128_000,
    contextWindow: 1_000_000,
    prefill: 'rejected-claude',
    sampling: 'any',
    anthropicName: 'claude-opus-4-6',
  },
  {
    id: 'anthropic.claude-opus-4-7',
    profileOnly: true,
    provider: 'anthropic',
    maxOutputTokens: 128_000,
    contextWindow: 1_000_000,
    prefill: 'rejected-claude',
    sampling: 'none',
    anthropicName: 'claude-opus-4-7',
  },
  {
    id: 'amazon.nova-pro-v1:0',
    provider: 'amazon',
    maxOutputTokens: 10_000,
    contextWindow: 300_000,
    prefill: 'accepted',
    sampling: 'any',
  },
  {
    id: 'meta.llama3-8b-instruct-v1:0',
    provider: 'meta',
    maxOutputTokens: 2048,
    contextWindow: 8192,
    prefill: 'rejected-llama',
    sampling: 'any',
  },
];

/** Cross-region inference profile prefixes that resolve to the base model. */
export const INFERENCE_PROFILE_PREFIXES = ['us.', 'eu.', 'apac.', 'jp.', 'global.'] as const;

/** A model id resolved against the catalogue. */
export interface ResolvedModel {
  readonly model: ModelSpec;
  /** Whether the id named an inference profile rather than the bare model. */
  readonly throughProfile: boolean;
}

/**
 * The catalogue entry for a model id as it appears in a request path (already URL-decoded): a base id,
 * a profile id such as `us.anthropic...`, or an ARN ending in either. Undefined when unknown.
 */
export function resolveModel(modelId: string): ResolvedModel | undefined {
  const bare = modelId.startsWith('arn:') ? modelId.slice(modelId.lastIndexOf('/') + 1) : modelId;
  const prefix = INFERENCE_PROFILE_PREFIXES.find((p) => bare.startsWith(p));
  const base = prefix ? bare.slice(prefix.length) : bare;
  const model = EMULATOR_MODELS.find((candidate) => candidate.id === base);
  return model && { model, throughProfile: prefix !== undefined || modelId.includes(':inference-profile/') };
}
