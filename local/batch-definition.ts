import { App, Stack } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { type CfnStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { BatchWorkflow, type BatchWorkflowProps } from '../infra/batch-workflow';
import { UnresolvableReferenceError } from '../infra/local-definition';
import { LOCAL_STATE_MACHINE_ARN } from './local-arns';

/** The documents bucket's name in the offline batch definition: nothing reads it offline. */
const LOCAL_BUCKET = 'local-documents';

/**
 * Builds the `BatchWorkflow` construct in a throwaway app and reads back the definition the stack would
 * deploy, so `longform batch` runs exactly that workflow (docs/architecture.md, Offline runtime).
 */
export function buildBatchDefinition(
  props: Pick<BatchWorkflowProps, 'maxConcurrency' | 'toleratedFailurePercentage'>,
): Record<string, unknown> {
  const stack = new Stack(new App(), 'LongformBatchLocal');
  const batch = new BatchWorkflow(stack, 'Batch', {
    ...props,
    longform: StateMachine.fromStateMachineArn(stack, 'Longform', LOCAL_STATE_MACHINE_ARN),
    bucket: Bucket.fromBucketName(stack, 'Documents', LOCAL_BUCKET),
  });
  const cfn = batch.stateMachine.node.defaultChild as CfnStateMachine;
  return JSON.parse(literal(stack.resolve(cfn.definitionString)));
}

/** The resolved definition string: a string, or an `Fn::Join` of strings and the partition. */
function literal(resolved: unknown): string {
  if (typeof resolved === 'string') return resolved;
  const { 'Fn::Join': join, Ref: ref } = resolved as { 'Fn::Join'?: [string, unknown[]]; Ref?: string };
  if (join) return join[1].map(literal).join(join[0]);
  if (ref === 'AWS::Partition') return 'aws';
  throw new UnresolvableReferenceError(`No local value for ${JSON.stringify(resolved)}`);
}
