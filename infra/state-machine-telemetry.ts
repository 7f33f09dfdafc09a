import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { CfnStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { acknowledgeWildcards } from './acknowledge-wildcards';

/**
 * Switches on a state machine's error logs (ERROR, without execution data: it carries prompts) and
 * X-Ray tracing, with their permissions in a policy of their own. Log delivery and X-Ray support no
 * resource-level permissions, so they need `Resource: *`; set through the L2 construct's `logs` and
 * `tracingEnabled` they would land in the role's default policy, and acknowledging the wildcard there
 * would also hide any wildcard granted to the role later. Leave `logs` and `tracingEnabled` unset on the
 * construct when calling this.
 */
export function enableStateMachineTelemetry(stateMachine: StateMachine, logGroup: ILogGroup): Policy {
  const cfn = stateMachine.node.defaultChild as CfnStateMachine;
  cfn.loggingConfiguration = {
    destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: logGroup.logGroupArn } }],
    level: 'ERROR',
    includeExecutionData: false,
  };
  cfn.tracingConfiguration = { enabled: true };
  // The actions the L2 construct grants for `logs` and `tracingEnabled`.
  const policy = new Policy(stateMachine, 'TelemetryPolicy', {
    roles: [stateMachine.role],
    statements: [
      new PolicyStatement({
        actions: [
          'logs:CreateLogDelivery',
          'logs:GetLogDelivery',
          'logs:UpdateLogDelivery',
          'logs:DeleteLogDelivery',
          'logs:ListLogDeliveries',
          'logs:PutResourcePolicy',
          'logs:DescribeResourcePolicies',
          'logs:DescribeLogGroups',
        ],
        resources: ['*'],
      }),
      new PolicyStatement({
        actions: [
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'xray:GetSamplingRules',
          'xray:GetSamplingTargets',
        ],
        resources: ['*'],
      }),
    ],
  });
  // Step Functions checks log delivery permissions when the state machine is created or updated.
  cfn.node.addDependency(policy);
  acknowledgeWildcards(
    policy,
    ['*'],
    'Log delivery (logs:*LogDelivery*, logs:PutResourcePolicy, logs:Describe*) and X-Ray actions support no resource-level permissions.',
  );
  return policy;
}
