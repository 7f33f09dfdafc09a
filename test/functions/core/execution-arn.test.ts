import { describe, expect, it } from 'vitest';
import { executionArnOf } from '../../../functions/core/execution-arn';

describe('executionArnOf', () => {
  it("names an execution under its state machine's ARN, in any partition", () => {
    expect(executionArnOf('arn:aws:states:us-east-1:123456789012:stateMachine:Longform', 'job-1')).toBe(
      'arn:aws:states:us-east-1:123456789012:execution:Longform:job-1',
    );
    expect(executionArnOf('arn:aws-cn:states:cn-north-1:123456789012:stateMachine:m', 'j')).toBe(
      'arn:aws-cn:states:cn-north-1:123456789012:execution:m:j',
    );
  });
});
