import { describe, expect, it } from 'vitest';
import {
  CONFIG_PART_BYTES,
  INLINE_CONFIG_TEXT_BYTES,
  readConfigText,
  splitConfig,
  withConfigText,
} from '../../../functions/core/config-text';
import type { JobConfig } from '../../../functions/core/job-config';
import { utf8Length } from '../../../functions/core/utf8';

const settings = {
  modelId: 'model',
  api: 'converse',
  maxTokensPerRound: 100,
  maxRounds: 10,
  continuation: 'auto',
  stopSequences: ['END'],
} as const satisfies Partial<JobConfig>;

const configOf = (text: string, system?: string): JobConfig => ({
  ...settings,
  stopSequences: [...settings.stopSequences],
  messages: [{ role: 'user', text }],
  ...(system === undefined ? {} : { system }),
});

describe('splitConfig', () => {
  it('keeps a short configuration whole', () => {
    const config = configOf('A short prompt', 'Be brief');
    expect(splitConfig(config)).toEqual({ inline: config });
  });

  it('puts long text in parts of at most CONFIG_PART_BYTES, never cutting a character, and joins it back exactly', () => {
    // Characters of 1 to 4 UTF-8 bytes, and a pair whose halves must stay together, across every part edge.
    const text = 'a é 東 🚀 \u{1F468}\u200D\u{1F469} "quoted" \\ \n'.repeat(60_000);
    const config = configOf(text, 'System ✨');
    const stored = splitConfig(config);
    if (!('parts' in stored)) throw new Error('expected parts');
    expect(stored.parts.length).toBeGreaterThan(3);
    for (const part of stored.parts) {
      expect(utf8Length(part)).toBeLessThanOrEqual(CONFIG_PART_BYTES);
      // No part starts with the second half of a surrogate pair (or ends with the first).
      expect(part.charCodeAt(0) >= 0xdc00 && part.charCodeAt(0) <= 0xdfff).toBe(false);
      const last = part.charCodeAt(part.length - 1);
      expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
    }
    expect(stored.settings).toEqual({ ...settings });
    expect(stored.settings).not.toHaveProperty('messages');
    expect(withConfigText(stored.settings, readConfigText(stored.parts))).toEqual(config);
    expect(readConfigText(stored.parts)).toEqual(stored.text);
  });

  it('stores text one byte over the inline bound in parts, and a configuration without system prompt joins without one', () => {
    const overhead = utf8Length(JSON.stringify({ messages: [{ role: 'user', text: '' }] }));
    const atBound = configOf('x'.repeat(INLINE_CONFIG_TEXT_BYTES - overhead));
    expect(splitConfig(atBound)).toEqual({ inline: atBound });
    const over = configOf('x'.repeat(INLINE_CONFIG_TEXT_BYTES - overhead + 1));
    const stored = splitConfig(over);
    if (!('parts' in stored)) throw new Error('expected parts');
    const joined = withConfigText(stored.settings, readConfigText(stored.parts));
    expect(joined).toEqual(over);
    expect(joined).not.toHaveProperty('system');
  });

  it('joins the text with the settings META holds now, so a raised maxRounds is the one used', () => {
    const stored = splitConfig(configOf('y'.repeat(5000)));
    if (!('parts' in stored)) throw new Error('expected parts');
    const joined = withConfigText({ ...stored.settings, maxRounds: 40 }, readConfigText(stored.parts));
    expect(joined.maxRounds).toBe(40);
  });
});
