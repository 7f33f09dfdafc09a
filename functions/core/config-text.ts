import type { JobConfig } from './job-config';
import { splitUtf8, utf8Length } from './utf8';

/** A job's configuration without its text: what META holds of it when the text is stored in parts. */
export type JobSettings = Omit<JobConfig, 'messages' | 'system'>;

/** A job's configuration text: the conversation that opens it and its system prompt. */
export type ConfigText = Pick<JobConfig, 'messages' | 'system'>;

/**
 * Configuration text up to this many UTF-8 bytes (as JSON) stays on META: with it META stays under
 * 4 KB, one read unit per consistent read. Longer text goes to part items, so that META, read every
 * round and rewritten at every step (billed by item size), does not carry it (docs/architecture.md,
 * "Storage").
 */
export const INLINE_CONFIG_TEXT_BYTES = 2048;

/** Most UTF-8 bytes of configuration text one part item holds (the item limit is 400 KB). */
export const CONFIG_PART_BYTES = 350_000;

/**
 * A job's configuration as it is stored: whole when its text is short, else its settings and the text
 * (`{ messages, system }` as JSON) in pieces of at most {@link CONFIG_PART_BYTES} UTF-8 bytes, cut only
 * at code points so that {@link readConfigText} and {@link withConfigText} give back the configuration
 * exactly.
 */
export function splitConfig(
  config: JobConfig,
): { inline: JobConfig } | { settings: JobSettings; text: ConfigText; parts: string[] } {
  const { messages, system, ...settings } = config;
  const text: ConfigText = system === undefined ? { messages } : { messages, system };
  const json = JSON.stringify(text);
  if (utf8Length(json) <= INLINE_CONFIG_TEXT_BYTES) return { inline: config };
  return { settings, text, parts: splitUtf8(json, CONFIG_PART_BYTES) };
}

/** The configuration text the parts {@link splitConfig} gave (in order) hold. */
export function readConfigText(parts: readonly string[]): ConfigText {
  const { messages, system } = JSON.parse(parts.join('')) as ConfigText;
  return system === undefined ? { messages } : { messages, system };
}

/** The configuration of `settings` (as META holds them now) with its text. */
export function withConfigText(settings: JobSettings, text: ConfigText): JobConfig {
  return { ...settings, ...text };
}
