/**
 * Output-token limits of the model families Longform knows (bedrock-facts.md, "Models").
 * Ids may carry a cross-region inference-profile prefix (`us.`, `eu.`, `apac.`, `jp.`, `global.`).
 */

const PROFILE_PREFIX = /^(?:us|eu|apac|jp|global)\./;

/** Strips a cross-region inference-profile prefix: `us.anthropic.claude-…` → `anthropic.claude-…`. */
export function baseModelId(modelId: string): string {
  return modelId.replace(PROFILE_PREFIX, '');
}

/** Whether the id names an Anthropic model, directly or through an inference profile. */
export function isAnthropicModel(modelId: string): boolean {
  return baseModelId(modelId).startsWith('anthropic.');
}

type Tier = 'haiku' | 'sonnet' | 'opus';

interface ClaudeVersion {
  tier: Tier;
  major: number;
  minor: number;
}

// New naming `claude-sonnet-4-5-20250929`, old naming `claude-3-5-sonnet-20241022`. A minor version is
// one or two digits followed by a separator, so a date (`-20250514`) is never read as one.
const NEW_NAMING = /^anthropic\.claude-(haiku|sonnet|opus)-(\d+)(?:-(\d{1,2}))?(?=$|[-:@])/;
const OLD_NAMING = /^anthropic\.claude-(\d+)(?:-(\d{1,2}))?-(haiku|sonnet|opus)(?=$|[-:@])/;

function claudeVersion(modelId: string): ClaudeVersion | undefined {
  const id = baseModelId(modelId);
  const modern = NEW_NAMING.exec(id);
  if (modern) {
    return { tier: modern[1] as Tier, major: Number(modern[2]), minor: Number(modern[3] ?? 0) };
  }
  const legacy = OLD_NAMING.exec(id);
  if (legacy) {
    return { tier: legacy[3] as Tier, major: Number(legacy[1]), minor: Number(legacy[2] ?? 0) };
  }
  return undefined;
}

/**
 * The most output tokens one response of this model may have, or `undefined` when the model is not
 * one of the known families (validation then only applies the generic bound).
 */
export function maxOutputTokensFor(modelId: string): number | undefined {
  const version = claudeVersion(modelId);
  if (!version) return undefined;
  const { tier, major, minor } = version;
  const at = major * 10 + minor;
  if (at >= 46) return 128_000;
  if (at === 45) return 64_000;
  if (major === 4) {
    if (tier === 'opus') return 32_000;
    return tier === 'sonnet' ? 64_000 : undefined;
  }
  if (at === 37) return tier === 'sonnet' ? 64_000 : undefined;
  if (at === 35) return tier === 'opus' ? undefined : 8_192;
  if (at === 30) return tier === 'haiku' ? 4_096 : undefined;
  return undefined;
}

/** Which sampling fields a model takes (bedrock-facts.md, Bedrock InvokeModel). */
export type SamplingRule = 'any' | 'temperature-or-top-p' | 'none';

/**
 * The sampling fields a model accepts: Claude Opus 4.7 and later reject `temperature`, `top_p` and
 * `top_k` ("temperature is deprecated for this model"); the 4.5 generation rejects `temperature` and
 * `top_p` given together. Other models accept what they are given.
 */
export function samplingRuleFor(modelId: string): SamplingRule {
  const version = claudeVersion(modelId);
  if (!version) return 'any';
  const at = version.major * 10 + version.minor;
  if (version.tier === 'opus' && at >= 47) return 'none';
  if (at === 45 && version.tier !== 'opus') return 'temperature-or-top-p';
  return 'any';
}
