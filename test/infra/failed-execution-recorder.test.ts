import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { DefinitionBody, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { FailedExecutionRecorder } from '../../infra/failed-execution-recorder';

describe('FailedExecutionRecorder', () => {
  it("gives Record failure the execution's name and its input, so a resumed job's execution finds its job", () => {
    const stack = new Stack();
    new FailedExecutionRecorder(stack, 'Recorder', {
      stateMachine: new StateMachine(stack, 'Machine', {
        definitionBody: DefinitionBody.fromChainable(new Pass(stack, 'Pass')),
      }),
      recordFailure: new LambdaFunction(stack, 'RecordFailure', {
        runtime: Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: Code.fromInline('exports.handler = async () => {};'),
      }),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const rules = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(2);
    for (const rule of rules) {
      const { InputPathsMap, InputTemplate } = rule.Properties.Targets[0].InputTransformer;
      expect(InputPathsMap).toMatchObject({
        'detail-name': '$.detail.name',
        'detail-input': '$.detail.input',
      });
      expect(InputTemplate).toMatch(/^\{"jobId":<detail-name>,"failure":\{.*\},"input":<detail-input>\}$/);
    }
  });
});
