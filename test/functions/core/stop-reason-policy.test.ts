import { describe, expect, it } from 'vitest';
import { classifyBedrockError } from '../../../functions/core/error-classification';
import { BedrockValidationError, PrefillRejectedError } from '../../../functions/core/errors';
import {
  decideAfterRound,
  endForRefusedCall,
  normalizeStopReason,
  type RoundOutcomeInput,
} from '../../../functions/core/stop-reason-policy';

const BASE: RoundOutcomeInput = {
  stopReason: 'max_tokens',
  stoppedAtSequence: false,
  visibleCharacters: 100,
  round: 3,
  maxRounds: 10,
  noProgressRounds: 0,
  replyPlaced: true,
};

function decide(changes: Partial<RoundOutcomeInput>) {
  return decideAfterRound({ ...BASE, ...changes });
}

describe('decideAfterRound with an instruction reply that could not be placed', () => {
  it('asks again instead of completing, and ends with NoProgressError the second time', () => {
    for (const stopReason of ['end_turn', 'stop_sequence', 'max_tokens'] as const) {
      expect(decide({ stopReason, visibleCharacters: 0, replyPlaced: false })).toEqual({
        next: 'continue',
        noProgressRounds: 1,
      });
      expect(
        decide({ stopReason, visibleCharacters: 0, replyPlaced: false, noProgressRounds: 1 }),
      ).toMatchObject({
        next: 'finish',
        status: 'FAILED',
        failure: { name: 'NoProgressError' },
      });
    }
  });

  it('still ends BLOCKED when the model refused', () => {
    expect(decide({ stopReason: 'refusal', visibleCharacters: 0, replyPlaced: false })).toMatchObject({
      next: 'finish',
      status: 'BLOCKED',
    });
  });
});

describe('normalizeStopReason', () => {
  it('keeps known and unknown reasons verbatim', () => {
    for (const reason of ['end_turn', 'max_tokens', 'tool_use', 'guardrail_intervened', 'something_new']) {
      expect(normalizeStopReason(reason)).toBe(reason);
    }
  });

  it('turns a missing reason into unknown', () => {
    expect(normalizeStopReason(undefined)).toBe('unknown');
    expect(normalizeStopReason(null)).toBe('unknown');
    expect(normalizeStopReason('')).toBe('unknown');
    expect(normalizeStopReason('  ')).toBe('unknown');
  });
});

describe('decideAfterRound', () => {
  it('continues after max_tokens with visible text and resets the no-progress count', () => {
    expect(decide({ noProgressRounds: 1 })).toEqual({ next: 'continue', noProgressRounds: 0 });
  });

  it('continues after time_budget exactly as after max_tokens', () => {
    for (const changes of [{}, { noProgressRounds: 1, visibleCharacters: 0 }, { round: 10 }]) {
      expect(decide({ ...changes, stopReason: 'time_budget' })).toEqual(
        decide({ ...changes, stopReason: 'max_tokens' }),
      );
    }
    expect(decide({ stopReason: 'time_budget', visibleCharacters: 0 })).toEqual({
      next: 'continue',
      noProgressRounds: 1,
    });
  });

  it.each(['end_turn', 'stop_sequence'])('completes on %s', (stopReason) => {
    expect(decide({ stopReason })).toEqual({ next: 'finish', status: 'COMPLETED', noProgressRounds: 0 });
  });

  it('completes when the join found a stop sequence, whatever the model said', () => {
    const decision = decide({ stopReason: 'max_tokens', stoppedAtSequence: true, round: 10 });
    expect(decision).toMatchObject({ next: 'finish', status: 'COMPLETED' });
    expect(decision).not.toHaveProperty('failure');
  });

  it('completes at end_turn even in the last round and even without visible text', () => {
    expect(decide({ stopReason: 'end_turn', round: 10, visibleCharacters: 0 })).toMatchObject({
      status: 'COMPLETED',
    });
  });

  it('ends MAX_ROUNDS_REACHED when max_tokens comes in the last round, naming the limit and the fix', () => {
    const decision = decide({ round: 10 });
    expect(decision).toMatchObject({ next: 'finish', status: 'MAX_ROUNDS_REACHED' });
    if (decision.next !== 'finish') throw new Error('expected finish');
    expect(decision.failure?.name).toBe('MaxRoundsReachedError');
    expect(decision.failure?.message).toContain('10');
    expect(decision.failure?.message).toContain('maxRounds');
  });

  it('ends CONTEXT_FULL on model_context_window_exceeded', () => {
    const decision = decide({ stopReason: 'model_context_window_exceeded' });
    expect(decision).toMatchObject({ status: 'CONTEXT_FULL', failure: { name: 'ContextWindowFullError' } });
  });

  it.each(['refusal', 'guardrail_intervened', 'content_filtered'])(
    'ends BLOCKED on %s, naming it',
    (stopReason) => {
      const decision = decide({ stopReason });
      expect(decision).toMatchObject({ status: 'BLOCKED', failure: { name: 'ContentBlockedError' } });
      if (decision.next === 'finish') expect(decision.failure?.message).toContain(stopReason);
    },
  );

  it.each([
    'tool_use',
    'pause_turn',
    'malformed_model_output',
    'malformed_tool_use',
    'unknown',
    'brand_new_reason',
  ])('ends FAILED on %s, naming it', (stopReason) => {
    const decision = decide({ stopReason });
    expect(decision).toMatchObject({ status: 'FAILED', failure: { name: 'UnexpectedStopReasonError' } });
    if (decision.next === 'finish') expect(decision.failure?.message).toContain(stopReason);
  });

  describe('rounds without visible text', () => {
    it('counts one and continues', () => {
      expect(decide({ visibleCharacters: 0 })).toEqual({ next: 'continue', noProgressRounds: 1 });
      expect(decide({ visibleCharacters: -4 })).toEqual({ next: 'continue', noProgressRounds: 1 });
    });

    it('fails the job on the second in a row, explaining the thinking budget', () => {
      const decision = decide({ visibleCharacters: 0, noProgressRounds: 1 });
      expect(decision).toMatchObject({ next: 'finish', status: 'FAILED', noProgressRounds: 2 });
      if (decision.next !== 'finish') throw new Error('expected finish');
      expect(decision.failure?.name).toBe('NoProgressError');
      expect(decision.failure?.message).toMatch(/thinking/);
      expect(decision.failure?.message).toContain('maxTokensPerRound');
    });

    it('reports no progress before the round limit when both apply', () => {
      expect(decide({ visibleCharacters: 0, noProgressRounds: 1, round: 10 })).toMatchObject({
        status: 'FAILED',
      });
    });

    it('does not count rounds that did not stop at max_tokens', () => {
      expect(decide({ stopReason: 'tool_use', visibleCharacters: 0, noProgressRounds: 1 })).toMatchObject({
        noProgressRounds: 1,
      });
    });
  });
});

describe('endForRefusedCall', () => {
  const refused = (message: string) =>
    classifyBedrockError(
      Object.assign(new Error(message), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }),
    );

  it('ends the job BLOCKED when a content filter refused the output with a 400', () => {
    expect(endForRefusedCall(refused('Output blocked by content filtering policy'))).toEqual({
      status: 'BLOCKED',
      stopReason: 'content_filtered',
      failure: { name: 'ContentBlockedError', message: 'Output blocked by content filtering policy' },
    });
  });

  it('ends the job CONTEXT_FULL when the document no longer fits the context window', () => {
    expect(endForRefusedCall(refused('prompt is too long: 210000 tokens > 200000 maximum'))).toMatchObject({
      status: 'CONTEXT_FULL',
      stopReason: 'model_context_window_exceeded',
      failure: { name: 'ContextWindowFullError' },
    });
  });

  it('leaves every other error to fail the round', () => {
    for (const error of [
      new BedrockValidationError('bad'),
      new PrefillRejectedError('no'),
      new Error('x'),
      'text',
    ]) {
      expect(endForRefusedCall(error)).toBeUndefined();
    }
  });
});
