import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarmAction, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { LONGFORM_METRICS, longformMetric, throttlingRate } from './operations-metrics';

/**
 * Throttled share of Bedrock calls that is worth waking someone for. The retry policy rides out far more
 * (15 jittered retries: at 60 % throttling 0.03 % of rounds fail, docs/architecture.md, "Retries"), so
 * this is no outage; but above a fifth of calls every round waits out backoffs and jobs slow down, which
 * says the account's Bedrock tokens-per-minute quota is too small for the jobs (or the batch concurrency)
 * sent at it.
 */
export const THROTTLING_ALARM_PERCENT = 20;

/** Fewer Bedrock calls than this in a period do not count towards the throttling rate (see `throttlingRate`). */
export const THROTTLING_MINIMUM_CALLS = 10;

/**
 * Share of the round function's timeout that a p99 round latency above means rounds run into their time
 * box (a round reads its stream until the timeout less at most 20 s, docs/architecture.md, "Time-boxed
 * rounds"): the model answers slower than the round size assumes, or rounds were made larger than the
 * timeout holds. Such rounds still join exactly, but each one outlives the 5-minute prompt cache.
 */
export const ROUND_LATENCY_ALARM_SHARE = 0.8;

/** The p99 round latency, in milliseconds, above which the round-latency alarm goes off. */
export const roundLatencyAlarmMs = (roundTimeout: Duration): number =>
  Math.round(roundTimeout.toMilliseconds() * ROUND_LATENCY_ALARM_SHARE);

/** Settings of {@link OperationsAlarms}. */
export interface OperationsAlarmsProps {
  stateMachine: IStateMachine;
  /** The round function's timeout, from which the latency threshold is derived. */
  roundTimeout: Duration;
  /** Alarms made elsewhere that get the same actions (the failed-execution recorder's dead-letter alarm). */
  otherAlarms?: readonly Alarm[];
}

/**
 * The workflow's alarms: failed executions, a Bedrock throttling rate and slow rounds, next to the
 * dead-letter alarm of the failed-execution recorder. Missing data is never an alarm: a stack with no
 * jobs is quiet. {@link addAction} sends all of them somewhere (an SNS topic, a chat channel).
 */
export class OperationsAlarms extends Construct {
  /** Any execution that did not end in `Document ready` within 5 minutes, including jobs that ended early. */
  readonly failedExecutions: Alarm;
  /** More than {@link THROTTLING_ALARM_PERCENT} % of Bedrock calls throttled for 15 minutes. */
  readonly throttling: Alarm;
  /** The p99 round latency above {@link ROUND_LATENCY_ALARM_SHARE} of the round timeout for 30 minutes. */
  readonly roundLatency: Alarm;
  /** Every alarm of the workflow: these three and the other alarms given. */
  readonly all: readonly Alarm[];

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    const treatMissingData = TreatMissingData.NOT_BREACHING;

    this.failedExecutions = new Alarm(this, 'FailedExecutions', {
      alarmDescription:
        'Longform: an execution failed (the job failed, or ended early: blocked, round limit, context full). `longform status JOB_ID --table ...` says why.',
      metric: props.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData,
    });

    this.throttling = new Alarm(this, 'BedrockThrottling', {
      alarmDescription: `Longform: over ${THROTTLING_ALARM_PERCENT} % of Bedrock calls throttled for 15 minutes; rounds slow down. Raise the tokens-per-minute quota or start fewer jobs at once.`,
      metric: throttlingRate(Duration.minutes(5), THROTTLING_MINIMUM_CALLS),
      threshold: THROTTLING_ALARM_PERCENT,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData,
    });

    const latencyThreshold = roundLatencyAlarmMs(props.roundTimeout);
    this.roundLatency = new Alarm(this, 'RoundLatency', {
      alarmDescription: `Longform: p99 round latency above ${latencyThreshold} ms (${ROUND_LATENCY_ALARM_SHARE * 100} % of the round timeout) for 30 minutes; rounds run into their time box. Lower maxTokensPerRound or check the model's speed.`,
      metric: longformMetric(LONGFORM_METRICS.roundLatency, {
        statistic: 'p99',
        period: Duration.minutes(15),
      }),
      threshold: latencyThreshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData,
    });

    this.all = [this.failedExecutions, this.throttling, this.roundLatency, ...(props.otherAlarms ?? [])];
  }

  /** Adds `action` to every alarm in {@link all}, for when it goes off. */
  addAction(action: IAlarmAction): void {
    for (const alarm of this.all) alarm.addAlarmAction(action);
  }
}
