import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { CfnRule } from 'aws-cdk-lib/aws-events';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { DefinitionBody, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { EXECUTION_ABORTED } from '../../functions/core/failure-description';
import { FailedExecutionRecorder } from '../../infra/failed-execution-recorder';

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
const rule = (id: string) => recorder.node.findChild(id).node.defaultChild as CfnRule;
const transformer = (id: string): { inputPathsMap: Record<string, string>; inputTemplate: string } =>
  stack.resolve(rule(id).targets)[0].inputTransformer;

describe('FailedExecutionRecorder', () => {
  it("gives Record failure the execution's name and its input, so a resumed job's execution finds its job", () => {
    for (const id of ['ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']) {
      const { inputPathsMap, inputTemplate } = transformer(id);
      expect(inputPathsMap).toMatchObject({
        'detail-name': '$.detail.name',
        'detail-input': '$.detail.input',
      });
      expect(inputTemplate).toMatch(
        /^\{"jobId":<detail-name>,"failure":\{.*\},"input":<detail-input>,"redriveCount":<detail-redriveCount>\}$/,
      );
    }
  });

  it('gives Record failure the run of the execution that ended, so a late end leaves its redrive alone', () => {
    for (const id of ['ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']) {
      expect(transformer(id).inputPathsMap).toMatchObject({ 'detail-redriveCount': '$.detail.redriveCount' });
    }
  });

  it("marks a stopped execution's job with ExecutionAbortedError, as its event names no error of the workflow", () => {
    expect(stack.resolve(rule('ExecutionAborted').eventPattern)).toMatchObject({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['ABORTED'] },
    });
    const { inputPathsMap, inputTemplate } = transformer('ExecutionAborted');
    // Only the execution's name and input are read from the event: no `$.detail.error` that may be absent.
    expect(Object.values(inputPathsMap).sort()).toEqual([
      '$.detail.input',
      '$.detail.name',
      '$.detail.redriveCount',
    ]);
    const { failure } = JSON.parse(inputTemplate.replace(/<detail-[a-zA-Z]+>/g, 'null'));
    expect(failure).toEqual({ Error: 'ExecutionAbortedError', Cause: EXECUTION_ABORTED.Cause });
  });
});
