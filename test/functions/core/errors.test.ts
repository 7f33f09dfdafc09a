import { describe, expect, it } from 'vitest';
import * as errors from '../../../functions/core/errors';
import {
  InvalidInputError,
  LongformError,
  RETRIABLE_ERROR_NAMES,
  ROUND_RETRIABLE_ERROR_NAMES,
} from '../../../functions/core/errors';

type AnyErrorClass = new (message: string, options?: { cause?: unknown }) => LongformError;

const RETRIABLE = [
  'BedrockThrottlingError',
  'BedrockUnavailableError',
  'BedrockTimeoutError',
  'BedrockModelError',
  'RoundDeadlineError',
  'StoreUnavailableError',
  'DocumentBucketUnavailableError',
  'EventBusUnavailableError',
];
const PERMANENT = [
  'BedrockValidationError',
  'BedrockAccessDeniedError',
  'BedrockModelNotFoundError',
  'BedrockUnexpectedError',
  'PrefillRejectedError',
  'JobNotFoundError',
  'CorruptDocumentError',
  'ContextWindowFullError',
  'ContentBlockedError',
  'MaxRoundsReachedError',
  'UnexpectedStopReasonError',
  'NoProgressError',
  'ExecutionAbortedError',
];

function errorClass(name: string): AnyErrorClass {
  return (errors as unknown as Record<string, AnyErrorClass>)[name] as AnyErrorClass;
}

describe('Longform errors', () => {
  it.each([...RETRIABLE.map((n) => [n, true] as const), ...PERMANENT.map((n) => [n, false] as const)])(
    '%s has its class name as a stable name and retriable = %s',
    (name, retriable) => {
      const cause = new Error('original');
      const error = new (errorClass(name))('what happened', { cause });
      expect(error).toBeInstanceOf(LongformError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
      expect(error.retriable).toBe(retriable);
      expect(error.message).toBe('what happened');
      expect(error.cause).toBe(cause);
      expect(String(error)).toBe(`${name}: what happened`);
    },
  );

  it('lists exactly the retriable classes for the state machine', () => {
    expect([...RETRIABLE_ERROR_NAMES].sort()).toEqual([...RETRIABLE].sort());
    expect(Object.isFrozen(RETRIABLE_ERROR_NAMES)).toBe(true);
  });

  it("lists the retriable errors a round raises: all but the document bucket's and the event bus's", () => {
    expect(RETRIABLE_ERROR_NAMES.filter((name) => !ROUND_RETRIABLE_ERROR_NAMES.includes(name))).toEqual([
      'DocumentBucketUnavailableError',
      'EventBusUnavailableError',
    ]);
    expect(ROUND_RETRIABLE_ERROR_NAMES.every((name) => RETRIABLE_ERROR_NAMES.includes(name))).toBe(true);
  });

  it('InvalidInputError carries the field and is permanent', () => {
    const error = new InvalidInputError('messages[2].text', 'messages[2].text must be a non-empty string');
    expect(error.field).toBe('messages[2].text');
    expect(error.name).toBe('InvalidInputError');
    expect(error.retriable).toBe(false);
    expect(error.message).toContain('messages[2].text');
  });

  it('every exported error class is covered by these tables', () => {
    const exported = Object.entries(errors)
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof LongformError)
      .map(([name]) => name);
    expect(exported.sort()).toEqual([...RETRIABLE, ...PERMANENT, 'InvalidInputError'].sort());
  });
});
