import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../../functions/core/failure-description';

describe('describeFailure', () => {
  it("keeps a Lambda error's message and drops its stack trace", () => {
    const cause = JSON.stringify({
      errorType: 'BedrockAccessDeniedError',
      errorMessage: 'Access to model us.anthropic.claude-haiku-4-5 is denied',
      trace: ['BedrockAccessDeniedError: Access ...', '    at generateReply (bedrock-model.ts:51:11)'],
    });
    expect(describeFailure({ Error: 'BedrockAccessDeniedError', Cause: cause })).toEqual({
      error: 'BedrockAccessDeniedError',
      cause: 'Access to model us.anthropic.claude-haiku-4-5 is denied',
    });
  });

  it('keeps a plain-text cause as it is (States.* errors)', () => {
    expect(describeFailure({ Error: 'States.Timeout', Cause: 'The execution timed out.' })).toEqual({
      error: 'States.Timeout',
      cause: 'The execution timed out.',
    });
  });

  it('keeps a JSON cause without an errorMessage string verbatim', () => {
    for (const cause of ['{"errorType":"X"}', '{"errorMessage":7}', 'null', '"quoted"', '[1,2]']) {
      expect(describeFailure({ Error: 'X', Cause: cause }).cause).toBe(cause);
    }
  });

  it('names the error when there is no cause, and an unnamed failure UnknownError', () => {
    expect(describeFailure({ Error: 'Lambda.ServiceException' })).toEqual({
      error: 'Lambda.ServiceException',
      cause: 'The step failed with Lambda.ServiceException',
    });
    expect(describeFailure({ Error: '', Cause: '' })).toEqual({
      error: 'UnknownError',
      cause: 'The step failed with UnknownError',
    });
  });
});
