import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { DefinitionBody, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { workflowDefinition } from '../../infra/workflow-definition';

describe('workflowDefinition', () => {
  it('gives Record failure the execution input, so a resumed job’s execution (another name) finds its job', () => {
    const stack = new Stack();
    const fn = (name: string) =>
      LambdaFunction.fromFunctionArn(stack, name, `arn:aws:lambda:us-east-1:111111111111:function:${name}`);
    new StateMachine(stack, 'Machine', {
      definitionBody: DefinitionBody.fromChainable(
        workflowDefinition(stack, {
          initialize: fn('initialize'),
          generateRound: fn('generate'),
          finalize: fn('finalize'),
          recordFailure: fn('record'),
        }),
      ),
    });
    const [machine] = Object.values(
      Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'),
    );
    const definition = JSON.parse(machine?.Properties.DefinitionString);
    expect(definition.States['Record failure'].Parameters).toEqual({
      'jobId.$': '$$.Execution.Name',
      'failure.$': '$',
      'input.$': '$$.Execution.Input',
    });
  });
});
