import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type CfnTopic, Topic } from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { Longform } from '../../infra/longform';
import { THROTTLING_ALARM_PERCENT } from '../../infra/operations-alarms';
import { synthStack, testApp } from './synth';

type Json = Record<string, unknown>;
type Resource = { Type: string; Properties: Json };

const alarmsOf = (stack: Stack) =>
  Object.entries(Template.fromStack(stack).toJSON().Resources as Record<string, Resource>).filter(
    ([, r]) => r.Type === 'AWS::CloudWatch::Alarm',
  );
const byId = (alarms: [string, Resource][], pattern: RegExp) =>
  alarms.find(([id]) => pattern.test(id))?.[1].Properties as Json;

/** A stack with a round timeout of 10 minutes and the alarms sent to an email address. */
const stack = synthStack({ roundTimeout: Duration.minutes(10), alarmEmail: 'ops@example.com' });
const alarms = alarmsOf(stack);

describe('the operations alarms', () => {
  it('are the failed-executions, throttling, round-latency and dead-letter alarms, quiet without data', () => {
    expect(alarms.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'LongformAlarmsBedrockThrottling',
      'LongformAlarmsFailedExecutions',
      'LongformAlarmsRoundLatency',
      'LongformFailedExecutionsDeadLetterAlarm',
    ]);
    for (const [id, alarm] of alarms) expect(alarm.Properties.TreatMissingData, id).toBe('notBreaching');
  });

  it('go off on one failed execution of the state machine in 5 minutes', () => {
    expect(byId(alarms, /AlarmsFailedExecutions/)).toMatchObject({
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [
        { Name: 'StateMachineArn', Value: { Ref: expect.stringMatching(/^LongformStateMachine/) } },
      ],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
    });
  });

  it('go off when over 20 % of Bedrock calls are throttled for three 5-minute periods in a row', () => {
    const throttling = byId(alarms, /BedrockThrottling/);
    expect(throttling).toMatchObject({
      Threshold: THROTTLING_ALARM_PERCENT,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
    expect(THROTTLING_ALARM_PERCENT).toBe(20);
    const [expression, ...metrics] = throttling.Metrics as Json[];
    expect(expression).toMatchObject({
      Expression:
        'IF((FILL(rounds, 0) + FILL(throttles, 0)) >= 10, 100 * FILL(throttles, 0) / (FILL(rounds, 0) + FILL(throttles, 0)), 0)',
      ReturnData: true,
    });
    expect(metrics.map((m) => [m.Id, (m.MetricStat as { Metric: Json }).Metric])).toEqual([
      [
        'rounds',
        { Namespace: 'Longform', MetricName: 'Rounds', Dimensions: [{ Name: 'service', Value: 'longform' }] },
      ],
      [
        'throttles',
        {
          Namespace: 'Longform',
          MetricName: 'RoundErrors',
          Dimensions: [
            { Name: 'ErrorName', Value: 'BedrockThrottlingError' },
            { Name: 'service', Value: 'longform' },
          ],
        },
      ],
    ]);
    for (const metric of metrics)
      expect(metric).toMatchObject({ ReturnData: false, MetricStat: { Period: 300, Stat: 'Sum' } });
  });

  it('go off when the p99 round latency passes 80 % of the round timeout for 30 minutes', () => {
    expect(byId(alarms, /AlarmsRoundLatency/)).toMatchObject({
      Namespace: 'Longform',
      MetricName: 'RoundLatency',
      Dimensions: [{ Name: 'service', Value: 'longform' }],
      ExtendedStatistic: 'p99',
      Period: 900,
      Threshold: 480_000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
  });

  it('notify the alarmEmail topic, TLS only, from every alarm', () => {
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topicId },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Principal: '*',
            Resource: { Ref: topicId },
            Sid: 'AllowPublishThroughSSLOnly',
          },
        ],
      },
    });
    for (const [id, alarm] of alarms) expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topicId }]);
  });

  it('notify a topic given as alarmTopic, and nothing without one', () => {
    const app = testApp({ context: { 'aws:cdk:bundling-stacks': [] } });
    const given = new Stack(app, 'Given');
    const topic = new Topic(given, 'Ops');
    new Longform(given, 'Longform', { alarmTopic: topic });
    const topicRef = { Ref: given.getLogicalId(topic.node.defaultChild as CfnTopic) };
    for (const [id, alarm] of alarmsOf(given)) expect(alarm.Properties.AlarmActions, id).toEqual([topicRef]);
    for (const [id, alarm] of alarmsOf(synthStack()))
      expect(alarm.Properties, id).not.toHaveProperty('AlarmActions');
  });
});
