import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/**
 * Marks a job FAILED when its execution ends FAILED or TIMED_OUT however it ended: also when the round
 * function was killed (out of memory, a task timeout), which no handler sees. `Generate next part` has no
 * Catch (so that a redrive resumes it), so without this such a job would stay RUNNING in the table.
 * It invokes the `Record failure` function, which is idempotent and leaves jobs that already ended as
 * they are; a redrive of the execution reopens the job.
 */
export class FailedExecutionRecorder extends Construct {
  constructor(scope: Construct, id: string, stateMachine: IStateMachine, recordFailure: IFunction) {
    super(scope, id);
    const jobId = EventField.fromPath('$.detail.name');
    const ends = [
      {
        status: 'FAILED',
        error: EventField.fromPath('$.detail.error'),
        cause: EventField.fromPath('$.detail.cause'),
      },
      { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out.' },
    ];
    for (const end of ends) {
      new Rule(this, `Execution${end.status === 'FAILED' ? 'Failed' : 'TimedOut'}`, {
        description: `Longform: record a job whose execution ended ${end.status}`,
        eventPattern: {
          source: ['aws.states'],
          detailType: ['Step Functions Execution Status Change'],
          detail: { stateMachineArn: [stateMachine.stateMachineArn], status: [end.status] },
        },
        targets: [
          new LambdaFunction(recordFailure, {
            event: RuleTargetInput.fromObject({ jobId, failure: { Error: end.error, Cause: end.cause } }),
            retryAttempts: 8,
          }),
        ],
      });
    }
  }
}
