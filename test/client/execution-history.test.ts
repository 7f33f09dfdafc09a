import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { endedAtFailState, HistoryDecoder, ROUND_STATE_NAME } from '../../client/execution-history';
import { WORKFLOW_STEPS } from '../../infra/workflow-steps';

/** A history as GetExecutionHistory gives it, ids from 1, built from [type, details] pairs. */
function history(...events: [string, Partial<HistoryEvent>?][]): HistoryEvent[] {
  return events.map(([type, details], index) => ({
    id: index + 1,
    previousEventId: index,
    timestamp: new Date(0),
    type: type as HistoryEvent['type'],
    ...details,
  }));
}
const entered = (name: string, input: unknown): [string, Partial<HistoryEvent>] => [
  name === ROUND_STATE_NAME || name.endsWith('job') ? 'TaskStateEntered' : 'FailStateEntered',
  { stateEnteredEventDetails: { name, input: JSON.stringify(input) } },
];
const exited = (name: string, output: unknown): [string, Partial<HistoryEvent>] => [
  'TaskStateExited',
  { stateExitedEventDetails: { name, output: JSON.stringify(output) } },
];
const failed = (error: string): [string, Partial<HistoryEvent>] => [
  'LambdaFunctionFailed',
  { lambdaFunctionFailedEventDetails: { error, cause: '{}' } },
];
const round = (n: number) => entered(ROUND_STATE_NAME, { jobId: 'j', nextRound: n });

describe('HistoryDecoder', () => {
  it('knows the round state by the name the workflow gives it', () => {
    expect(ROUND_STATE_NAME).toBe(WORKFLOW_STEPS.generateRound.stateName);
  });

  it('reads the Lambda attempt events of a whole job: retried attempts with their error names and attempt numbers, rounds as they exit', () => {
    const decoder = new HistoryDecoder();
    const items = decoder.decode(
      history(
        ['ExecutionStarted'],
        entered('Initialize job', { prompt: 'p' }),
        ['LambdaFunctionScheduled'],
        ['LambdaFunctionStarted'],
        ['LambdaFunctionSucceeded'],
        exited('Initialize job', { jobId: 'j', nextRound: 1 }),
        round(1),
        ['LambdaFunctionScheduled'],
        ['LambdaFunctionStarted'],
        failed('BedrockThrottlingError'),
        ['LambdaFunctionScheduled'],
        ['LambdaFunctionStarted'],
        ['LambdaFunctionTimedOut', { lambdaFunctionTimedOutEventDetails: { error: 'States.Timeout' } }],
        ['LambdaFunctionScheduled'],
        ['LambdaFunctionStarted'],
        ['LambdaFunctionSucceeded'],
        exited(ROUND_STATE_NAME, { jobId: 'j', nextRound: 2, next: 'finish' }),
        entered('Finalize job', { jobId: 'j' }),
        exited('Finalize job', { status: 'COMPLETED' }),
        ['SucceedStateEntered'],
        ['ExecutionSucceeded'],
      ),
    );
    expect(items).toEqual([
      { type: 'retry', round: 1, error: 'BedrockThrottlingError', attempt: 1 },
      { type: 'retry', round: 1, error: 'States.Timeout', attempt: 2 },
      { type: 'committed', round: 1 },
    ]);
    expect(decoder.ended).toEqual({ executionStatus: 'SUCCEEDED' });
    expect(decoder.lastEventId).toBe(21);
  });

  it("reads the Lambda attempt events AWS records for tasks that name their function (the workflow's)", () => {
    const items = new HistoryDecoder().decode(
      history(
        round(7),
        ['LambdaFunctionScheduled'],
        ['LambdaFunctionStarted'],
        failed('BedrockThrottlingError'),
        ['LambdaFunctionScheduled'],
        ['LambdaFunctionStarted'],
        ['LambdaFunctionTimedOut', { lambdaFunctionTimedOutEventDetails: {} }],
        ['LambdaFunctionScheduled'],
        ['LambdaFunctionStarted'],
        failed('BedrockAccessDeniedError'),
        ['ExecutionFailed', { executionFailedEventDetails: { error: 'BedrockAccessDeniedError' } }],
      ),
    );
    expect(items).toEqual([
      { type: 'retry', round: 7, error: 'BedrockThrottlingError', attempt: 1 },
      { type: 'retry', round: 7, error: 'States.Timeout', attempt: 2 },
    ]);
  });

  it('reads a history without attempt events (serve): a failure followed by another failure or a normal exit was retried', () => {
    const items = new HistoryDecoder().decode(
      history(
        round(3),
        failed('BedrockUnavailableError'),
        failed('BedrockThrottlingError'),
        exited(ROUND_STATE_NAME, { nextRound: 4 }),
      ),
    );
    expect(items).toEqual([
      { type: 'retry', round: 3, error: 'BedrockUnavailableError', attempt: 1 },
      { type: 'retry', round: 3, error: 'BedrockThrottlingError', attempt: 2 },
      { type: 'committed', round: 3 },
    ]);
  });

  it('does not count the attempt that failed the execution, or one that was caught, as a retry', () => {
    const final = new HistoryDecoder();
    expect(
      final.decode(
        history(round(2), failed('BedrockThrottlingError'), failed('BedrockAccessDeniedError'), [
          'ExecutionFailed',
          { executionFailedEventDetails: { error: 'BedrockAccessDeniedError', cause: 'denied' } },
        ]),
      ),
    ).toEqual([{ type: 'retry', round: 2, error: 'BedrockThrottlingError', attempt: 1 }]);
    expect(final.ended).toEqual({
      executionStatus: 'FAILED',
      error: 'BedrockAccessDeniedError',
      cause: 'denied',
    });

    const caught = new HistoryDecoder().decode(
      history(
        entered('Finalize job', { jobId: 'j' }),
        failed('CorruptDocumentError'),
        exited('Finalize job', { Error: 'CorruptDocumentError', Cause: '{}' }),
        entered('Record failure', { Error: 'CorruptDocumentError' }),
      ),
    );
    expect(caught).toEqual([]);
  });

  it('decodes across polls by event id, skipping events it has seen, and holds a failure until the next attempt shows', () => {
    const events = history(
      round(1),
      failed('BedrockModelError'),
      ['LambdaFunctionScheduled'],
      exited(ROUND_STATE_NAME, {}),
    );
    const decoder = new HistoryDecoder();
    expect(decoder.decode(events.slice(0, 2))).toEqual([]);
    expect(decoder.decode(events.slice(0, 3))).toEqual([
      { type: 'retry', round: 1, error: 'BedrockModelError', attempt: 1 },
    ]);
    expect(decoder.decode(events)).toEqual([{ type: 'committed', round: 1 }]);
    expect(decoder.ended).toBeUndefined();
  });

  it('continues after a redrive: the end before ExecutionRedriven is no end, and attempts count afresh', () => {
    const decoder = new HistoryDecoder();
    decoder.decode(
      history(
        round(5),
        failed('BedrockThrottlingError'),
        failed('BedrockThrottlingError'),
        ['ExecutionFailed', { executionFailedEventDetails: { error: 'BedrockThrottlingError' } }],
        ['ExecutionRedriven', { executionRedrivenEventDetails: { redriveCount: 1 } }],
        failed('BedrockUnavailableError'),
        ['LambdaFunctionScheduled'],
        exited(ROUND_STATE_NAME, {}),
        ['ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout' } }],
      ),
    );
    const fresh = new HistoryDecoder();
    const items = fresh.decode(
      history(round(5), failed('BedrockThrottlingError'), failed('BedrockThrottlingError'), [
        'ExecutionFailed',
        { executionFailedEventDetails: { error: 'BedrockThrottlingError' } },
      ]),
    );
    expect(items).toEqual([{ type: 'retry', round: 5, error: 'BedrockThrottlingError', attempt: 1 }]);
    expect(fresh.ended?.executionStatus).toBe('FAILED');
    expect(
      fresh.decode(
        history(
          round(5),
          failed('BedrockThrottlingError'),
          failed('BedrockThrottlingError'),
          ['ExecutionFailed'],
          ['ExecutionRedriven'],
          failed('BedrockUnavailableError'),
          ['LambdaFunctionScheduled'],
          exited(ROUND_STATE_NAME, {}),
        ),
      ),
    ).toEqual([
      { type: 'retry', round: 5, error: 'BedrockUnavailableError', attempt: 1 },
      { type: 'committed', round: 5 },
    ]);
    expect(fresh.ended).toBeUndefined();
    expect(decoder.ended).toEqual({ executionStatus: 'TIMED_OUT', error: 'States.Timeout' });
  });
});

describe('endedAtFailState', () => {
  it('is whether the last state entered, newest first, is a Fail state', () => {
    expect(
      endedAtFailState(
        history(['ExecutionFailed'], entered('Job ended early', {}), exited('Finalize job', {})),
      ),
    ).toBe(true);
    expect(endedAtFailState(history(['ExecutionFailed'], failed('BedrockAccessDeniedError'), round(4)))).toBe(
      false,
    );
    expect(endedAtFailState([])).toBe(false);
  });
});
