import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { CfnRule } from 'aws-cdk-lib/aws-events';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { DefinitionBody, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { FailedExecutionRecorder } from '../../infra/failed-execution-recorder';

describe('FailedExecutionRecorder', () => {
  it("gives Record failure the execution's name and its input, so a resumed job's execution finds its job", () => {
    const stack = new Stack();
    const recorder = new FailedExecutionRecorder(stack, 'Recorder', {
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
    const rules = ['ExecutionFailed', 'ExecutionTimedOut'].map(
      (id) => recorder.node.findChild(id).node.defaultChild as CfnRule,
    );
    for (const rule of rules) {
      const [target] = stack.resolve(rule.targets);
      const { inputPathsMap, inputTemplate } = target.inputTransformer;
      expect(inputPathsMap).toMatchObject({
        'detail-name': '$.detail.name',
        'detail-input': '$.detail.input',
      });
      expect(inputTemplate).toMatch(/^\{"jobId":<detail-name>,"failure":\{.*\},"input":<detail-input>\}$/);
    }
  });
});
