import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliUsageError } from '../../cli/cli-usage-error';
import { addRunOptions, inFlagTerms, type RunFlags, toRunOptions } from '../../cli/run-options';

const noFile = (path: string): string => {
  throw new Error(`unexpected read of ${path}`);
};

/** Parses `run`'s arguments with its commander options, as the CLI does. */
function parse(args: string[]): { prompts: string[]; flags: RunFlags } {
  let parsed: { prompts: string[]; flags: RunFlags } | undefined;
  const command = addRunOptions(new Command('run').argument('[PROMPT...]'))
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .action((prompts: string[], flags: RunFlags) => {
      parsed = { prompts, flags };
    });
  command.parse(args, { from: 'user' });
  if (!parsed) throw new Error('no action');
  return parsed;
}

describe('run options', () => {
  it('turn flags into an execution input holding only what was given', () => {
    const { prompts, flags } = parse([
      'Write a guide',
      '--system',
      'Be terse',
      '--max-tokens-per-round',
      '10',
      '--max-rounds',
      '1000',
      '--stop-sequence',
      '<END>',
      '--stop-sequence',
      '###',
      '--temperature',
      '.2',
      '--out',
      '/tmp/doc.md',
      '--json',
    ]);
    expect(toRunOptions(prompts, flags, noFile)).toEqual({
      input: {
        prompt: 'Write a guide',
        system: 'Be terse',
        maxTokensPerRound: 10,
        maxRounds: 1000,
        stopSequences: ['<END>', '###'],
        temperature: 0.2,
      },
      bedrock: 'emulator',
      json: true,
      out: '/tmp/doc.md',
    });
  });

  it.each([
    [['a', '--max-rounds', '0x10'], /whole number/],
    [['a', '--max-rounds', '1e3'], /whole number/],
    [['a', '--max-rounds', ' 10'], /whole number/],
    [['a', '--max-rounds', '010'], /whole number/],
    [['a', '--temperature', '1e-1'], /number such as/],
    [['a', '--max-rounds', '3', '--max-rounds', '4'], /more than once/],
    [['a', '--out', ''], /not empty/],
    [['a', '--bedrock', 'local'], /emulator or aws/],
    [['a', '--round-timeout', '0'], /1 to 900/],
    [['a', '--round-timeout', '901'], /1 to 900/],
    [['a', '--round-timeout', '2.5'], /whole number/],
  ])('refuse %j', (args, message) => {
    expect(() => parse(args)).toThrow(message);
  });

  it("take --round-timeout as the round function's timeout, outside the job input", () => {
    const { prompts, flags } = parse(['a', '--round-timeout', '3']);
    const options = toRunOptions(prompts, flags, noFile);
    expect(options.roundTimeoutSeconds).toBe(3);
    expect(options.input).toEqual({ prompt: 'a' });
  });

  it.each([
    [['a', 'b'], /one PROMPT argument/],
    [[], /needs a PROMPT/],
  ])('refuse prompts %j with a CliUsageError', (prompts, message) => {
    expect(() => toRunOptions(prompts, {}, noFile)).toThrow(message);
    expect(() => toRunOptions(prompts, {}, noFile)).toThrow(CliUsageError);
  });

  it('word input-field messages in the flags the user typed', () => {
    expect(inFlagTerms('maxRounds must be an integer; raise "maxRounds" or "temperature"')).toBe(
      '--max-rounds must be an integer; raise --max-rounds or --temperature',
    );
    expect(inFlagTerms('the prompt is empty')).toBe('the prompt is empty');
  });
});
