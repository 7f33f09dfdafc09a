import { describe, expect, it } from 'vitest';
import { elapsedText, JobEventReporter } from '../../cli/job-event-reporter';
import type { JobEvent } from '../../client/job-events';

const usage = { inputTokens: 100, outputTokens: 50, cacheReadInputTokens: 400, cacheWriteInputTokens: 20 };
const round = (n: number): JobEvent => ({
  type: 'round',
  round: n,
  stopReason: n < 3 ? 'max_tokens' : 'end_turn',
  outputTokens: 50,
  usage,
  roundCharacters: 200,
  documentCharacters: 200 * n,
});
const EVENTS: JobEvent[] = [
  round(1),
  { type: 'retry', round: 2, error: 'BedrockThrottlingError', attempt: 1 },
  round(2),
  round(3),
  {
    type: 'finished',
    executionStatus: 'SUCCEEDED',
    jobStatus: 'COMPLETED',
    rounds: 3,
    documentCharacters: 600,
    usage: { inputTokens: 300, outputTokens: 150, cacheReadInputTokens: 1200, cacheWriteInputTokens: 60 },
  },
];

/** Reports `events` with a clock 2 s after the job started. */
function collect(isTTY: boolean, events: JobEvent[], columns?: number): string {
  let written = '';
  const sink = { write: (text: string) => (written += text), isTTY, ...(columns ? { columns } : {}) };
  const reporter = new JobEventReporter(sink, 0, () => 2000);
  for (const event of events) reporter.report(event);
  reporter.finish();
  return written;
}

describe('JobEventReporter', () => {
  it('writes one plain line per round, retry and the end when stdout is not a terminal', () => {
    expect(collect(false, EVENTS).split('\n')).toEqual([
      'round 1: max_tokens, 520 in (400 cached) / 50 out tokens, +200 chars (200 total)',
      'retry 1 of round 2 after BedrockThrottlingError',
      'round 2: max_tokens, 520 in (400 cached) / 50 out tokens, +200 chars (400 total)',
      'round 3: end_turn, 520 in (400 cached) / 50 out tokens, +200 chars (600 total)',
      'finished: COMPLETED (execution SUCCEEDED), 3 rounds, 600 chars, 1560 in (1200 cached) / 150 out tokens',
      '',
    ]);
  });

  it('redraws one live line on a terminal with totals, rate, retries and elapsed time, then the end', () => {
    const output = collect(true, EVENTS);
    const draws = output.split('\n')[0]?.split('\r\x1b[K') ?? [];
    expect(draws).toHaveLength(4);
    expect(draws[3]).toBe(
      '3 rounds, 1560 in (1200 cached) / 150 out tokens, 600 chars, 300 chars/s, 1 retry (last BedrockThrottlingError), 2.0 s',
    );
    expect(output.split('\n').slice(1)).toEqual([
      'finished: COMPLETED (execution SUCCEEDED), 3 rounds, 600 chars, 1560 in (1200 cached) / 150 out tokens',
      '',
    ]);
  });

  it('cuts the live line to the terminal’s width, since a wrapped line cannot be redrawn', () => {
    const [live] = collect(true, EVENTS, 40).split('\n');
    for (const draw of live?.split('\r\x1b[K') ?? []) expect(draw).toHaveLength(39);
  });

  it('ends with the status `status` reports: a stopped execution whose job the recorder has not marked yet', () => {
    const stopped: JobEvent = {
      type: 'finished',
      executionStatus: 'ABORTED',
      jobStatus: 'RUNNING',
      rounds: 1,
      documentCharacters: 200,
      usage,
    };
    expect(
      collect(false, [round(1), stopped])
        .split('\n')
        .at(-2),
    ).toMatch(/^finished: ABORTED \(execution ABORTED\), 1 round/);
  });

  it('writes elapsed time in seconds, minutes or hours', () => {
    expect([elapsedText(4210), elapsedText(187_000), elapsedText(7_530_000)]).toEqual([
      '4.2 s',
      '3m 07s',
      '2h 05m',
    ]);
  });
});
