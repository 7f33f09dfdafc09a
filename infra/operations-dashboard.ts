import { Duration } from 'aws-cdk-lib';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IWidget,
  Stats,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ROUND_RETRIABLE_ERROR_NAMES } from '../functions/core/errors';
import {
  FINAL_JOB_STATUSES,
  LONGFORM_METRICS,
  longformMetric,
  roundErrors,
  THROTTLING_ERROR_NAME,
  throttlingRate,
} from './operations-metrics';

/** Settings of {@link OperationsDashboard}. */
export interface OperationsDashboardProps {
  /** The dashboard's name, unique in the account and region. */
  dashboardName: string;
  stateMachine: IStateMachine;
  /** The alarms whose state the top row shows. */
  alarms: readonly Alarm[];
  /** Where the latency graph draws the round-latency alarm's threshold, in milliseconds. */
  roundLatencyAlarmMs: number;
  /** Where the throttling graph draws the throttling alarm's threshold, in percent. */
  throttlingAlarmPercent: number;
  /** Calls a period needs before its throttling rate counts (as the alarm reads it). */
  throttlingMinimumCalls: number;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * One CloudWatch dashboard for the workflow, built only from metrics that are really published: the
 * state machine's own (AWS/States, dimension `StateMachineArn`) and the handlers' (namespace `Longform`,
 * `./operations-metrics`). Rows: the alarms; executions, documents per hour and their sizes; rounds,
 * tokens and round latency; Bedrock throttling and the retried errors by name.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const machine = props.stateMachine;
    const rows: IWidget[][] = [
      [new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 3 })],
      [
        new GraphWidget({
          title: 'Executions (per 5 minutes)',
          width: 8,
          left: [
            machine.metricStarted({ statistic: Stats.SUM, period: FIVE_MINUTES, label: 'Started' }),
            machine.metricSucceeded({ statistic: Stats.SUM, period: FIVE_MINUTES, label: 'Succeeded' }),
            machine.metricFailed({ statistic: Stats.SUM, period: FIVE_MINUTES, label: 'Failed' }),
            machine.metricTimedOut({ statistic: Stats.SUM, period: FIVE_MINUTES, label: 'Timed out' }),
            machine.metricAborted({ statistic: Stats.SUM, period: FIVE_MINUTES, label: 'Aborted' }),
          ],
        }),
        new GraphWidget({
          title: 'Documents finished per hour, by job status',
          width: 8,
          stacked: true,
          left: FINAL_JOB_STATUSES.map((status) =>
            longformMetric(LONGFORM_METRICS.documentsFinished, {
              dimensions: { JobStatus: status },
              period: Duration.hours(1),
              label: status,
            }),
          ),
        }),
        new GraphWidget({
          title: 'Document size (bytes, per hour)',
          width: 8,
          left: ['p50', 'Maximum'].map((statistic) =>
            longformMetric(LONGFORM_METRICS.documentBytes, {
              statistic,
              period: Duration.hours(1),
              label: statistic,
            }),
          ),
        }),
      ],
      [
        new GraphWidget({
          title: 'Rounds (per 5 minutes)',
          width: 8,
          left: [
            longformMetric(LONGFORM_METRICS.rounds, { label: 'Rounds (model called)' }),
            longformMetric(LONGFORM_METRICS.storedRoundsReused, { label: 'Stored rounds reused' }),
          ],
        }),
        new GraphWidget({
          title: 'Tokens (per 5 minutes)',
          width: 8,
          left: [
            longformMetric(LONGFORM_METRICS.inputTokens, { label: 'Input (uncached)' }),
            longformMetric(LONGFORM_METRICS.outputTokens, { label: 'Output' }),
            longformMetric(LONGFORM_METRICS.cacheReadInputTokens, { label: 'Cache read' }),
            longformMetric(LONGFORM_METRICS.cacheWriteInputTokens, { label: 'Cache write' }),
          ],
        }),
        new GraphWidget({
          title: 'Round latency (ms)',
          width: 8,
          left: ['p50', 'p99'].map((statistic) =>
            longformMetric(LONGFORM_METRICS.roundLatency, { statistic, label: statistic }),
          ),
          leftAnnotations: [{ value: props.roundLatencyAlarmMs, label: 'p99 alarm' }],
        }),
      ],
      [
        new GraphWidget({
          title: 'Bedrock throttling',
          width: 12,
          left: [roundErrors(THROTTLING_ERROR_NAME, FIVE_MINUTES)],
          right: [throttlingRate(FIVE_MINUTES, props.throttlingMinimumCalls)],
          rightAnnotations: [{ value: props.throttlingAlarmPercent, label: 'alarm' }],
          rightYAxis: { min: 0, max: 100, label: '%', showUnits: false },
        }),
        new GraphWidget({
          title: 'Retried round errors, by error name (per 5 minutes)',
          width: 12,
          stacked: true,
          // Only what a round raises: the bucket's and the bus's errors are Finalize's, never RoundErrors.
          left: ROUND_RETRIABLE_ERROR_NAMES.map((name) => roundErrors(name, FIVE_MINUTES)),
        }),
      ],
    ];
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(12),
      widgets: rows,
    });
  }
}
