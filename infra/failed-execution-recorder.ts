import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EXECUTION_ABORTED } from '../functions/core/failure-description';

/**
 * How long an undelivered or unrecorded end of an execution is retried. `Record failure` is idempotent,
 * so retrying costs nothing; 6 hours outlasts a Lambda or DynamoDB incident, after which the event is
 * kept in the dead-letter queue and the alarm says a job may show RUNNING although its execution ended.
 */
const MAX_EVENT_AGE = Duration.hours(6);

/** Settings of {@link FailedExecutionRecorder}. */
export interface FailedExecutionRecorderProps {
  stateMachine: IStateMachine;
  /** The `Record failure` function. */
  recordFailure: IFunction;
  removalPolicy: RemovalPolicy;
}

/**
 * Marks a job FAILED when its execution ends FAILED, TIMED_OUT or ABORTED however it ended: also when the
 * round function was killed (out of memory, a task timeout), which no handler sees, and when someone
 * stopped the execution (`ExecutionAbortedError`). `Generate next part` has no Catch (so that a redrive
 * resumes it), so without this such a job would stay RUNNING in the table.
 * It invokes the `Record failure` function, which is idempotent and leaves jobs that already ended as
 * they are, and jobs a later run (a redrive) of the execution has claimed; a redrive reopens the job.
 *
 * EventBridge invokes the function asynchronously, so two retries apply: EventBridge's own (delivering
 * the event to Lambda) and Lambda's (the function failing). An event that both give up on lands in one
 * encrypted dead-letter queue, and {@link deadLetterAlarm} goes off: replay it once the cause is gone.
 */
export class FailedExecutionRecorder extends Construct {
  /** Ends of executions that could not be recorded on their job (14 days' retention). */
  readonly deadLetterQueue: Queue;
  /** In alarm while the dead-letter queue holds a message; add your actions (SNS, chat) to it. */
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: FailedExecutionRecorderProps) {
    super(scope, id);
    // SQS-managed encryption: EventBridge and Lambda can send to it without a KMS key policy.
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the EventBridge targets and of the function’s asynchronous invocations.',
    });
    props.recordFailure.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: MAX_EVENT_AGE,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    const jobId = EventField.fromPath('$.detail.name');
    // The execution input as JSON text: a resumed job's execution has another name and input `{ "jobId" }`.
    const input = EventField.fromPath('$.detail.input');
    // Which run of the execution ended (0, or how many times it had been redriven): a late end of a run
    // that a redrive continued leaves the job alone (docs/architecture.md, the failed-execution recorder).
    const redriveCount = EventField.fromPath('$.detail.redriveCount');
    // A FAILED execution's event carries its error and cause. A TIMED_OUT one's error is the service's;
    // an ABORTED one has an error and cause only if the caller gave StopExecution some (both optional,
    // StopExecution's API reference), which are no error of the workflow's: the job gets its own.
    const ends = [
      {
        id: 'ExecutionFailed',
        status: 'FAILED',
        error: EventField.fromPath('$.detail.error'),
        cause: EventField.fromPath('$.detail.cause'),
      },
      {
        id: 'ExecutionTimedOut',
        status: 'TIMED_OUT',
        error: 'States.Timeout',
        cause: 'The execution timed out.',
      },
      {
        id: 'ExecutionAborted',
        status: 'ABORTED',
        error: EXECUTION_ABORTED.Error,
        cause: EXECUTION_ABORTED.Cause,
      },
    ];
    for (const end of ends) {
      new Rule(this, end.id, {
        description: `Longform: record a job whose execution ended ${end.status}`,
        eventPattern: {
          source: ['aws.states'],
          detailType: ['Step Functions Execution Status Change'],
          detail: { stateMachineArn: [props.stateMachine.stateMachineArn], status: [end.status] },
        },
        targets: [
          new LambdaFunction(props.recordFailure, {
            event: RuleTargetInput.fromObject({
              jobId,
              failure: { Error: end.error, Cause: end.cause },
              input,
              redriveCount,
            }),
            retryAttempts: 8,
            maxEventAge: MAX_EVENT_AGE,
            deadLetterQueue: this.deadLetterQueue,
          }),
        ],
      });
    }

    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription:
        'Longform: an execution ended but its job could not be marked FAILED (see the dead-letter queue); the job may show RUNNING.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
