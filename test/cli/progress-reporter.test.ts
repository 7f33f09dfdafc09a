import { describe, expect, it } from 'vitest';
import { ProgressReporter } from '../../cli/progress-reporter';
import type { ExecutionEvent } from '../../local/offline-runtime';

const ROUND_STATE = 'Generate next part';
const roundExited = (round: number, stopReason: string): ExecutionEvent =>
  ({
    type: 'StateExited',
    timestamp: 0,
    state: {
      name: ROUND_STATE,
      type: 'Task',
      input: {},
      output: { round, stopReason, outputTokens: 100, roundCharacters: 300, documentCharacters: 300 * round },
    },
  }) as ExecutionEvent;
const failed = (error: string): ExecutionEvent =>
  ({
    type: 'StateFailed',
    timestamp: 0,
    state: { name: ROUND_STATE, type: 'Task', input: {} },
    Error: error,
    Cause: '',
  }) as ExecutionEvent;
const retried = (attempt: number): ExecutionEvent =>
  ({
    type: 'StateRetried',
    timestamp: 0,
    state: { name: ROUND_STATE, type: 'Task', input: {} },
    retry: { attempt },
  }) as never;

function collect(isTTY: boolean, events: ExecutionEvent[]): string {
  let written = '';
  const reporter = new ProgressReporter({ write: (text) => (written += text), isTTY }, ROUND_STATE);
  for (const event of events) reporter.report(event);
  reporter.finish();
  return written;
}

describe('ProgressReporter', () => {
  const events = [
    roundExited(1, 'max_tokens'),
    failed('BedrockThrottlingError'),
    retried(1),
    roundExited(2, 'end_turn'),
  ];

  it('writes one plain line per round and per retry when stderr is not a terminal', () => {
    const lines = collect(false, events).split('\n').filter(Boolean);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^longform: round 1: max_tokens, 100 tokens, \+300 chars \(300 total\), \d+\.\d s$/,
    );
    expect(lines[1]).toBe('longform: retry 1 of "Generate next part" after BedrockThrottlingError');
    expect(lines[2]).toMatch(/^longform: round 2: end_turn/);
    expect(collect(false, events)).not.toContain('\r');
  });

  it('redraws one live line on a terminal and ends it with a newline', () => {
    const output = collect(true, [
      roundExited(1, 'max_tokens'),
      roundExited(2, 'max_tokens'),
      roundExited(3, 'end_turn'),
    ]);
    expect(output.split('\r\x1b[K')).toHaveLength(3);
    expect(output.endsWith('\n')).toBe(true);
    expect(output.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('ignores a caught failure leaving the round state without a round result', () => {
    const caught = {
      ...roundExited(1, 'x'),
      state: { name: ROUND_STATE, type: 'Task', input: {}, output: { Error: 'X' } },
    };
    expect(collect(false, [caught as ExecutionEvent])).toBe('');
  });
});
