import { describe, expect, it } from 'vitest';
import { CliUsageError } from '../../cli/cli-usage-error';
import { parseRunOptions } from '../../cli/run-options';

const noFile = (path: string): string => {
  throw new Error(`unexpected read of ${path}`);
};

describe('parseRunOptions', () => {
  it('turns flags into an execution input holding only what was given', () => {
    const options = parseRunOptions(
      [
        'Write a guide',
        '--system',
        'Be terse',
        '--model',
        'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        '--api',
        'invoke',
        '--continuation',
        'instruction',
        '--max-tokens-per-round',
        '10',
        '--max-rounds',
        '1000',
        '--stop-sequence',
        '<END>',
        '--stop-sequence',
        '###',
        '--temperature',
        '0.2',
        '--out',
        'doc.md',
        '--data-dir',
        'jobs',
        '--json',
      ],
      noFile,
    );
    expect(options).toEqual({
      input: {
        prompt: 'Write a guide',
        system: 'Be terse',
        modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        api: 'invoke',
        continuation: 'instruction',
        maxTokensPerRound: 10,
        maxRounds: 1000,
        stopSequences: ['<END>', '###'],
        temperature: 0.2,
      },
      bedrock: 'emulator',
      json: true,
      out: 'doc.md',
      dataDir: 'jobs',
    });
    expect(parseRunOptions(['Just a prompt'], noFile)).toEqual({
      input: { prompt: 'Just a prompt' },
      bedrock: 'emulator',
      json: false,
    });
  });

  it('reads --prompt-file through the given reader', () => {
    expect(parseRunOptions(['--prompt-file', 'p.txt'], (path) => `from ${path}`).input).toEqual({
      prompt: 'from p.txt',
    });
  });

  it.each([
    [[], /needs a PROMPT/],
    [['a', 'b'], /one PROMPT argument/],
    [['a', '--prompt-file', 'f'], /not both/],
    [['a', '--max-rounds', 'ten'], /--max-rounds must be a number/],
    [['a', '--temperature', ''], /--temperature must be a number/],
    [['a', '--bedrock', 'local'], /--bedrock must be emulator or aws/],
    [['a', '--frobnicate'], /Unknown option '--frobnicate'/],
  ])('refuses %j with a CliUsageError', (args, message) => {
    expect(() => parseRunOptions(args, () => 'x')).toThrow(message);
    expect(() => parseRunOptions(args, () => 'x')).toThrow(CliUsageError);
  });
});
