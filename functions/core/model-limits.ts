/**
 * What Longform knows about the models it is used with (docs/architecture.md, "Models"): only figures
 * confirmed from public documentation. A model that is not listed, or a figure left out, is not
 * guessed: Bedrock enforces its own limits and Longform passes its answer on.
 * Ids may carry a cross-region inference-profile prefix (`us.`, `us-gov.`, `eu.`, `apac.`, `jp.`,
 * `au.`, `ca.`, `global.`).
 */

const PROFILE_PREFIX = /^(?:us|us-gov|eu|apac|jp|au|ca|global)\./;

/** Strips a cross-region inference-profile prefix: `us.anthropic.claude-…` → `anthropic.claude-…`. */
export function baseModelId(modelId: string): string {
  return modelId.replace(PROFILE_PREFIX, '');
}

/** Whether the id names an Anthropic model, directly or through an inference profile. */
export function isAnthropicModel(modelId: string): boolean {
  return baseModelId(modelId).startsWith('anthropic.');
}

/**
 * Which sampling fields a model takes: any; `temperature` or `top_p` but not both ("`temperature` and
 * `top_p` cannot both be specified for this model"); or none of `temperature`, `top_p`, `top_k`
 * ("temperature is deprecated for this model", or a 400 for any non-default value).
 */
export type SamplingRule = 'any' | 'temperature-or-top-p' | 'none';

/** One catalogue entry. An absent number is one public documentation does not settle. */
export interface KnownModel {
  /** Most output tokens one response may have. */
  readonly maxOutputTokens?: number;
  /** Input plus output tokens the model can hold. */
  readonly contextWindow?: number;
  /** Whether the model continues a final assistant turn (prefill) or rejects it with a 400. */
  readonly prefill?: 'accepted' | 'rejected';
  readonly sampling: SamplingRule;
  /** Callable on demand only through an inference profile (`us.…`, `global.…`), not by its bare id. */
  readonly profileRequired?: boolean;
  /** Explicit prompt caching (cache points) on Bedrock; absent: not known to support it, none are sent. */
  readonly promptCache?: PromptCacheSupport;
}

/**
 * How a model caches prompts (docs/architecture.md, "Prompt caching"). Below `minTokens` of prefix a
 * checkpoint caches nothing (the call still succeeds), so Longform places none there.
 */
export interface PromptCacheSupport {
  /** Fewest prompt tokens before a checkpoint for it to be cached. */
  readonly minTokens: number;
  /** Whether the model takes the 1-hour TTL (`"ttl": "1h"`); otherwise only the 5-minute default. */
  readonly oneHourTtl: boolean;
}

// Minimums from the AWS Bedrock and Anthropic prompt-caching pages (checked 2026-12-01). Where sources
// disagree the larger is kept (Sonnet 4.6: 1,024 or 2,048), because a checkpoint below the real minimum
// only caches nothing. The 1-hour TTL only where AWS documents it (Haiku, Sonnet and Opus 4.5).
const cache = (minTokens: number, oneHourTtl = false): PromptCacheSupport => ({ minTokens, oneHourTtl });

type Tier = 'haiku' | 'sonnet' | 'opus' | 'fable';

const K = 1000;
const M = 1_000_000;
const claude45: KnownModel = {
  maxOutputTokens: 64 * K,
  contextWindow: 200 * K,
  prefill: 'accepted',
  sampling: 'temperature-or-top-p',
  profileRequired: true,
};
const claude46: KnownModel = {
  maxOutputTokens: 128 * K,
  contextWindow: M,
  prefill: 'rejected',
  sampling: 'temperature-or-top-p',
  profileRequired: true,
};
const withoutSampling: KnownModel = { ...claude46, sampling: 'none' };

/** Claude 3 to 3.7, Sonnet 4 and Opus 4: 200K context, prefill, any sampling field. */
const earlyClaude = (maxOutputTokens: number, profileRequired?: boolean): KnownModel => ({
  maxOutputTokens,
  contextWindow: 200 * K,
  prefill: 'accepted',
  sampling: 'any',
  ...(profileRequired === undefined ? {} : { profileRequired }),
});

/** Claude models by `tier major.minor`, dated snapshots included (`claude-sonnet-4-5-20250929`). */
const CLAUDE_MODELS: Readonly<Record<string, KnownModel>> = {
  'haiku 3.0': earlyClaude(4096, false),
  'haiku 3.5': { ...earlyClaude(8192), promptCache: cache(2048) },
  'sonnet 3.5': earlyClaude(8192),
  'sonnet 3.7': { ...earlyClaude(64 * K, true), promptCache: cache(1024) },
  'sonnet 4.0': { ...earlyClaude(64 * K, true), promptCache: cache(1024) },
  'opus 4.0': { ...earlyClaude(32 * K, true), promptCache: cache(1024) },
  'opus 4.1': { ...claude45, maxOutputTokens: 32 * K, promptCache: cache(1024) },
  'haiku 4.5': { ...claude45, promptCache: cache(4096, true) },
  'sonnet 4.5': { ...claude45, promptCache: cache(1024, true) },
  'opus 4.5': { ...claude45, promptCache: cache(4096, true) },
  'opus 4.6': { ...claude46, promptCache: cache(4096) },
  'sonnet 4.6': { ...claude46, promptCache: cache(2048) },
  'opus 4.7': { ...withoutSampling, promptCache: cache(4096) },
  'opus 4.8': withoutSampling,
  'sonnet 5.0': { ...withoutSampling, promptCache: cache(512) },
  'fable 5.0': { ...withoutSampling, promptCache: cache(512) },
};

/** Other providers' models by exact base id. */
const OTHER_MODELS: Readonly<Record<string, KnownModel>> = {
  'meta.llama3-8b-instruct-v1:0': {
    maxOutputTokens: 2048,
    contextWindow: 8192,
    prefill: 'rejected',
    sampling: 'any',
    profileRequired: false,
  },
  // Output limit: 5,000 in the Nova user guide's request schema, 10,000 elsewhere; left to Bedrock.
  'amazon.nova-pro-v1:0': {
    contextWindow: 300 * K,
    prefill: 'accepted',
    sampling: 'any',
    profileRequired: false,
  },
  // Output limit: 64K on the model card, 65,535 elsewhere; left to Bedrock.
  'amazon.nova-2-lite-v1:0': {
    contextWindow: M,
    prefill: 'accepted',
    sampling: 'any',
    profileRequired: true,
  },
};

// New naming `claude-sonnet-4-5-20250929`, old naming `claude-3-5-sonnet-20241022`. A minor version is
// one or two digits followed by a separator, so a date (`-20250514`) is never read as one.
const NEW_NAMING = /^anthropic\.claude-(haiku|sonnet|opus|fable)-(\d+)(?:-(\d{1,2}))?(?=$|[-:@])/;
const OLD_NAMING = /^anthropic\.claude-(\d+)(?:-(\d{1,2}))?-(haiku|sonnet|opus)(?=$|[-:@])/;

function claudeKey(id: string): string | undefined {
  const modern = NEW_NAMING.exec(id);
  if (modern) return `${modern[1] as Tier} ${Number(modern[2])}.${Number(modern[3] ?? 0)}`;
  const legacy = OLD_NAMING.exec(id);
  if (legacy) return `${legacy[3] as Tier} ${Number(legacy[1])}.${Number(legacy[2] ?? 0)}`;
  return undefined;
}

/** The catalogue entry for a model or profile id, or `undefined` for a model Longform does not know. */
export function knownModel(modelId: string): KnownModel | undefined {
  const id = baseModelId(modelId);
  const key = claudeKey(id);
  return key === undefined ? OTHER_MODELS[id] : CLAUDE_MODELS[key];
}

/** The most output tokens one response of this model may have, or `undefined` when not known. */
export function maxOutputTokensFor(modelId: string): number | undefined {
  return knownModel(modelId)?.maxOutputTokens;
}

/** How the model caches prompts, or `undefined` when it is not known to: then no cache points are sent. */
export function promptCacheFor(modelId: string): PromptCacheSupport | undefined {
  return knownModel(modelId)?.promptCache;
}

/** The sampling fields a model accepts; `any` for a model Longform does not know (Bedrock decides). */
export function samplingRuleFor(modelId: string): SamplingRule {
  return knownModel(modelId)?.sampling ?? 'any';
}
