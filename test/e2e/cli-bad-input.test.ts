import { describe, expect, it } from 'vitest';
import { BAD_COMMAND_LINES, runBadCommandLines } from '../../scenarios/cli-scenarios';

/**
 * One case per way the CLI refuses input (usage error, refused at `Initialize job`, refused before the
 * job is stored); each process costs seconds, so `npm run test:reliability` runs all of them.
 */
const SAMPLE = new Set([
  'no prompt',
  'unknown option',
  'maxTokensPerRound not a number',
  'empty prompt',
  'maxTokensPerRound over the model limit',
  'invoke with a non-Anthropic model',
  'oversized prompt file',
  'job id with a space',
  'hexadecimal number',
  'repeated flag',
  'empty --out',
  'binary prompt file',
  'prompt file not UTF-8',
  'misspelt command',
  'misspelt flag',
  'resume in a data directory that does not exist',
]);

describe('longform CLI refuses bad input', () => {
  it('each bad command line exits non-zero with one line naming the field, and stores nothing', async () => {
    const cases = BAD_COMMAND_LINES.filter((badCase) => SAMPLE.has(badCase.name));
    expect(cases).toHaveLength(SAMPLE.size);
    const report = await runBadCommandLines(cases, 3);
    expect(report.problems).toEqual([]);
    expect(report.badInputsRefused).toBe(cases.length);
  });
});
