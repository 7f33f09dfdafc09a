import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { Longform, type LongformProps } from './longform';

/** Stack settings plus the Longform configuration. */
export interface LongformStackProps extends StackProps, LongformProps {
  /**
   * An email address for the alarms: the stack makes an SNS topic with this subscription (confirm the
   * email AWS sends) and uses it as `alarmTopic`. Ignored when `alarmTopic` is given.
   */
  alarmEmail?: string;
}

/** A stack holding one Longform workflow, with a documents bucket unless switched off, and outputs to find it. */
export class LongformStack extends Stack {
  /** The workflow construct. */
  readonly longform: Longform;

  constructor(scope: Construct, id: string, props: LongformStackProps = {}) {
    super(scope, id, props);
    const { alarmEmail, ...longformProps } = props;
    this.longform = new Longform(this, 'Longform', {
      documentsBucket: true,
      ...longformProps,
      alarmTopic: props.alarmTopic ?? (alarmEmail ? this.alarmTopic(alarmEmail) : undefined),
    });
    const { stateMachineArn } = this.longform.stateMachine;

    new CfnOutput(this, 'StateMachineArn', {
      description: 'Start an execution here; its name becomes the job id',
      value: stateMachineArn,
    });
    new CfnOutput(this, 'TableName', {
      description: 'DynamoDB table holding jobs and their text',
      value: this.longform.table.tableName,
    });
    if (this.longform.documentsBucket) {
      new CfnOutput(this, 'DocumentsBucketName', {
        description: 'S3 bucket holding finished documents (documents/<jobId>.md)',
        value: this.longform.documentsBucket.bucketName,
      });
    }
    if (this.longform.batch) {
      new CfnOutput(this, 'BatchStateMachineArn', {
        description: 'Start a batch here with {"manifestKey": "manifests/NAME.jsonl"}',
        value: this.longform.batch.stateMachine.stateMachineArn,
      });
    }
    new CfnOutput(this, 'ConsoleLink', {
      description: 'The state machine in the Step Functions console',
      value: `https://${this.region}.console.aws.amazon.com/states/home?region=${this.region}#/statemachines/view/${stateMachineArn}`,
    });
    new CfnOutput(this, 'DashboardLink', {
      description: 'The CloudWatch dashboard of the workflow',
      value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards/dashboard/${this.longform.dashboard.dashboard.dashboardName}`,
    });
  }

  /** A topic for the alarms, with one email subscription. */
  private alarmTopic(email: string): Topic {
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: 'Longform alarms',
      enforceSSL: true,
    });
    topic.addSubscription(new EmailSubscription(email));
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and states, no job data; CloudWatch cannot publish to a topic under the AWS managed key (aws/sns), and a customer managed key for them is a cost the deployer can choose by passing its own alarmTopic.',
    });
    return topic;
  }
}
