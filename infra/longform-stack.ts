import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Longform, type LongformProps } from './longform';

/** Stack settings plus the Longform configuration. */
export interface LongformStackProps extends StackProps, LongformProps {}

/** A stack holding one Longform workflow, with outputs to find it. */
export class LongformStack extends Stack {
  /** The workflow construct. */
  readonly longform: Longform;

  constructor(scope: Construct, id: string, props: LongformStackProps = {}) {
    super(scope, id, props);
    this.longform = new Longform(this, 'Longform', props);
    const { stateMachineArn } = this.longform.stateMachine;

    new CfnOutput(this, 'StateMachineArn', {
      description: 'Start an execution here; its name becomes the job id',
      value: stateMachineArn,
    });
    new CfnOutput(this, 'TableName', {
      description: 'DynamoDB table holding jobs and their text',
      value: this.longform.table.tableName,
    });
    new CfnOutput(this, 'ConsoleLink', {
      description: 'The state machine in the Step Functions console',
      value: `https://${this.region}.console.aws.amazon.com/states/home?region=${this.region}#/statemachines/view/${stateMachineArn}`,
    });
  }
}
