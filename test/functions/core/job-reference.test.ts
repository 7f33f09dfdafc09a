import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../functions/core/errors';
import type { JobConfig } from '../../../functions/core/job-config';
import {
  assertSameJob,
  isExecutionName,
  jobIdOfExecution,
  MAX_JOB_ID_LENGTH,
  parseJobReference,
  validateJobId,
} from '../../../functions/core/job-reference';

function refusedJobId(run: () => unknown): InvalidInputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe('jobId');
    return error as InvalidInputError;
  }
  throw new Error('accepted');
}

const CONFIG: JobConfig = {
  messages: [{ role: 'user', text: 'Write a field guide to tide pools' }],
  modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  api: 'converse',
  maxTokensPerRound: 1000,
  maxRounds: 40,
  continuation: 'auto',
  stopSequences: ['<END>'],
};

describe('validateJobId', () => {
  it('accepts execution names up to the length limit, with letters, digits, dashes, dots and non-ASCII', () => {
    for (const id of [
      'tide-pools-1',
      'a',
      'job_2026.12.01',
      'gezeitentümpel',
      'x'.repeat(MAX_JOB_ID_LENGTH),
    ]) {
      expect(validateJobId(id)).toBe(id);
    }
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(MAX_JOB_ID_LENGTH + 1)],
    ['a number', 42],
    ['missing', undefined],
  ])('refuses a job id that is %s, with the length rule', (_case, id) => {
    expect(refusedJobId(() => validateJobId(id)).message).toContain(`1 to ${MAX_JOB_ID_LENGTH} characters`);
  });

  it('refuses white space, every character Step Functions forbids, and control characters', () => {
    const forbidden = [' ', '\t', '\n', ...'<>{}[]?*"#%\\^|~`$&,;:/', '\u0007', '\u007f', '\u0085'];
    for (const character of forbidden) {
      expect(refusedJobId(() => validateJobId(`job${character}1`)).message).toContain('may not contain');
    }
  });
});

describe('isExecutionName', () => {
  it('takes what Step Functions takes as an execution name, and nothing else', () => {
    for (const name of ['job-1', 'a', 'x'.repeat(80), 'tide.pools_2026', 'ünïcødé']) {
      expect(isExecutionName(name), name).toBe(true);
    }
    for (const name of ['', 'x'.repeat(81), 'has space', 'a/b', 'a:b', 'tab\t', 'del\u007f', 'c1\u0085']) {
      expect(isExecutionName(name), name).toBe(false);
    }
  });
});

describe('parseJobReference', () => {
  it('recognizes exactly { "jobId" } and validates the id', () => {
    expect(parseJobReference({ jobId: 'tide-pools-1' })).toEqual({ jobId: 'tide-pools-1' });
    refusedJobId(() => parseJobReference({ jobId: 'tide pools' }));
  });

  it('leaves every other input to full validation', () => {
    for (const input of [
      { jobId: 'tide-pools-1', prompt: 'Write' },
      { prompt: 'Write' },
      {},
      null,
      ['jobId'],
      'tide-pools-1',
    ]) {
      expect(parseJobReference(input)).toBeUndefined();
    }
  });
});

describe('jobIdOfExecution', () => {
  it('is the job a { jobId } input refers to, given as a value or as JSON text', () => {
    expect(jobIdOfExecution('tide-pools-1-resume-1', { jobId: 'tide-pools-1' })).toBe('tide-pools-1');
    expect(jobIdOfExecution('tide-pools-1-resume-1', '{"jobId":"tide-pools-1"}')).toBe('tide-pools-1');
  });

  it('is the execution name for any other input, unreadable text, or an invalid job id', () => {
    for (const input of [{ prompt: 'Write' }, 'not json', '"text"', null, undefined, { jobId: 'a b' }]) {
      expect(jobIdOfExecution('tide-pools-2', input)).toBe('tide-pools-2');
    }
  });
});

describe('assertSameJob', () => {
  it('lets the same input under a taken id through', () => {
    expect(() => assertSameJob('tide-pools-1', structuredClone(CONFIG), CONFIG)).not.toThrow();
  });

  it('refuses any other input, or a taken id without a stored job, naming jobId', () => {
    const other: JobConfig = { ...CONFIG, maxRounds: 41 };
    expect(refusedJobId(() => assertSameJob('tide-pools-1', CONFIG, other)).message).toContain(
      'already exists with a different input',
    );
    refusedJobId(() => assertSameJob('tide-pools-1', CONFIG, { ...CONFIG, stopSequences: [] }));
    refusedJobId(() => assertSameJob('tide-pools-1', undefined, CONFIG));
  });
});
