/** The models the emulator knows, with the limits and rules the real service enforces for each. */

/** How a model treats a final assistant turn (prefill). */
export type PrefillSupport = 'accepted' | 'rejected-claude' | 'rejected-llama';

/** Which sampling fields a model accepts. */
export type SamplingRule = 'any' | 'temperature-or-top-p' | 'none';

/**
 * Where a model is in its lifecycle on Bedrock. `legacy` models stay callable for accounts that used
 * them recently (see `legacyInactive` in the server options); `end-of-life` ones answer 404.
 */
export type Lifecycle = 'active' | 'legacy' | 'end-of-life';

/** One catalogue entry. */
export interface ModelSpec {
  /** Base model id, without an inference-profile prefix. */
  readonly id: string;
  readonly provider: 'anthropic' | 'amazon' | 'meta' | 'mistral';
  readonly maxOutputTokens: number;
  readonly contextWindow: number;
  readonly prefill: PrefillSupport;
  readonly sampling: SamplingRule;
  readonly lifecycle: Lifecycle;
  /** The name Anthropic models report in `model` of an InvokeModel response; absent for others. */
  readonly anthropicName?: string;
  /**
   * Callable only through an inference profile (`us.`, `global.` ...): Bedrock refuses the bare id
   * on demand, as it does for the newer Claude models.
   */
  readonly profileOnly?: boolean;
  /**
   * Fewest input tokens before a cache point for anything to be cached there; absent: the model caches
   * nothing (cache points are ignored).
   */
  readonly promptCacheMinTokens?: number;
  /** Whether a cache point's `"ttl": "1h"` is honoured (otherwise it caches for 5 minutes). */
  readonly promptCacheOneHour?: boolean;
}

/** A Claude model of the 4.6 generation or later: 1M context, 128K output, no prefill, profile only. */
function currentClaude(id: string, sampling: SamplingRule, promptCacheMinTokens: number): ModelSpec {
  return {
    promptCacheMinTokens,
    id,
    provider: 'anthropic',
    maxOutputTokens: 128_000,
    contextWindow: 1_000_000,
    prefill: 'rejected-claude',
    sampling,
    lifecycle: 'active',
    anthropicName: id.replace(/^anthropic\./, '').replace(/-v1$/, ''),
    profileOnly: true,
  };
}

/**
 * The catalogue (sources: the README's model table). Ids are exact; inference-profile prefixes resolve
 * through {@link resolveModel}. Where public documentation disagrees on a figure the entry notes it.
 */
export const EMULATOR_MODELS: readonly ModelSpec[] = [
  {
    id: 'anthropic.claude-3-haiku-20240307-v1:0',
    provider: 'anthropic',
    maxOutputTokens: 4096,
    contextWindow: 200_000,
    prefill: 'accepted',
    sampling: 'any',
    lifecycle: 'end-of-life',
    anthropicName: 'claude-3-haiku-20240307',
  },
  {
    // Retired on 2026-11-30.
    id: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
    profileOnly: true,
    provider: 'anthropic',
    maxOutputTokens: 64_000,
    contextWindow: 200_000,
    prefill: 'accepted',
    sampling: 'temperature-or-top-p',
    lifecycle: 'end-of-life',
    anthropicName: 'claude-sonnet-4-5-20250929',
  },
  {
    // Legacy, but callable by accounts that keep using it: the last Claude model that accepts prefill.
    id: 'anthropic.claude-haiku-4-5-20251001-v1:0',
    profileOnly: true,
    provider: 'anthropic',
    maxOutputTokens: 64_000,
    contextWindow: 200_000,
    prefill: 'accepted',
    sampling: 'temperature-or-top-p',
    lifecycle: 'legacy',
    anthropicName: 'claude-haiku-4-5-20251001',
    promptCacheMinTokens: 4096,
    promptCacheOneHour: true,
  },
  // Cache minimums: Anthropic's prompt-caching page (Sonnet 4.6: 1,024; other sources say 2,048).
  currentClaude('anthropic.claude-opus-4-6-v1', 'temperature-or-top-p', 4096),
  currentClaude('anthropic.claude-sonnet-4-6', 'temperature-or-top-p', 1024),
  currentClaude('anthropic.claude-opus-4-7', 'none', 4096),
  currentClaude('anthropic.claude-opus-4-8', 'none', 4096),
  // Sonnet 5 refuses non-default sampling values; Fable 5 takes temperature 1.0 and top_p 0.99-1 only.
  // The emulator refuses any sampling field on both.
  currentClaude('anthropic.claude-sonnet-5', 'none', 512),
  currentClaude('anthropic.claude-fable-5', 'none', 512),
  {
    // Output: 64K on the model card, 65,535 in other sources.
    id: 'amazon.nova-2-lite-v1:0',
    profileOnly: true,
    provider: 'amazon',
    maxOutputTokens: 64_000,
    contextWindow: 1_000_000,
    prefill: 'accepted',
    sampling: 'any',
    lifecycle: 'active',
  },
  {
    // Output: 5,000 in the Nova user guide's request schema, 10,000 in other sources.
    id: 'amazon.nova-pro-v1:0',
    provider: 'amazon',
    maxOutputTokens: 10_000,
    contextWindow: 300_000,
    prefill: 'accepted',
    sampling: 'any',
    lifecycle: 'active',
  },
  {
    id: 'meta.llama3-8b-instruct-v1:0',
    provider: 'meta',
    maxOutputTokens: 2048,
    contextWindow: 8192,
    prefill: 'rejected-llama',
    sampling: 'any',
    lifecycle: 'active',
  },
  {
    // Output: 8,000 per one catalogue; unconfirmed by AWS.
    id: 'meta.llama4-maverick-17b-instruct-v1:0',
    profileOnly: true,
    provider: 'meta',
    maxOutputTokens: 8192,
    contextWindow: 1_000_000,
    prefill: 'rejected-llama',
    sampling: 'any',
    lifecycle: 'active',
  },
  {
    // Output limit and prefill support unconfirmed on Bedrock.
    id: 'mistral.mistral-large-2407-v1:0',
    provider: 'mistral',
    maxOutputTokens: 8192,
    contextWindow: 128_000,
    prefill: 'accepted',
    sampling: 'any',
    lifecycle: 'active',
  },
];

/** Cross-region inference profile prefixes that resolve to the base model. */
export const INFERENCE_PROFILE_PREFIXES = [
  'us.',
  'us-gov.',
  'eu.',
  'apac.',
  'jp.',
  'au.',
  'ca.',
  'global.',
] as const;

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
