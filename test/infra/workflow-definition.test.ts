import { Stack } from 'aws-cdk-lib';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { describe, expect, it } from 'vitest';
import { workflowDefinition } from '../../infra/workflow-definition';

describe('workflowDefinition', () => {
  it('gives Record failure the execution input, so a resumed job’s execution (another name) finds its job', () => {
    const stack = new Stack();
    const fn = (name: string) =>
      LambdaFunction.fromFunctionArn(stack, name, `arn:aws:lambda:us-east-1:111111111111:function:${name}`);
    workflowDefinition(stack, {
      initialize: fn('initialize'),
      generateRound: fn('generate'),
      finalize: fn('finalize'),
      recordFailure: fn('record'),
    });
    const recordFailure = stack.node.findChild('Record failure') as LambdaInvoke;
    expect(stack.resolve(recordFailure.toStateJson()).Parameters).toEqual({
      'jobId.$': '$$.Execution.Name',
      'failure.$': '$',
      'input.$': '$$.Execution.Input',
      'redriveCount.$': '$$.Execution.RedriveCount',
    });
  });
});
