import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { enableStateMachineTelemetry } from '../../infra/state-machine-telemetry';
import { testApp } from './synth';

/** A one-state machine with telemetry, in a stack of its own. */
function machineWithTelemetry() {
  const stack = new Stack(testApp(), 'Telemetry');
  const machine = new StateMachine(stack, 'Machine', {
    definitionBody: DefinitionBody.fromChainable(new Pass(stack, 'Nothing')),
  });
  const logGroup = new LogGroup(stack, 'Logs');
  const policy = enableStateMachineTelemetry(machine, logGroup);
  return { stack, machine, logGroup, policy };
}

describe('enableStateMachineTelemetry', () => {
  it('logs errors without execution data and traces, with log delivery and X-Ray in a policy of their own', () => {
    const { stack, logGroup, policy } = machineWithTelemetry();
    const template = Template.fromStack(stack);
    const logGroupId = stack.getLogicalId(logGroup.node.defaultChild as never);
    const policyId = stack.getLogicalId(policy.node.defaultChild as never);
    template.hasResource('AWS::StepFunctions::StateMachine', {
      DependsOn: Match.arrayWith([policyId]),
      Properties: {
        LoggingConfiguration: {
          Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] } } }],
          Level: 'ERROR',
          IncludeExecutionData: false,
        },
        TracingConfiguration: { Enabled: true },
      },
    });
    const statements = (
      template.toJSON().Resources[policyId].Properties.PolicyDocument as { Statement: unknown[] }
    ).Statement as { Action: string[]; Resource: string }[];
    expect(statements.map((s) => s.Resource)).toEqual(['*', '*']);
    expect(statements.flatMap((s) => s.Action).every((a) => /^(logs|xray):/.test(a))).toBe(true);
  });

  it('acknowledges the wildcard on that policy alone: one granted to the role later is still reported', () => {
    const { stack, machine } = machineWithTelemetry();
    const findings = () =>
      new AwsSolutionsChecks()
        .validateScope(stack)
        .violations.filter((v) => v.ruleName.startsWith('AwsSolutions-IAM5'))
        .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
    expect(findings()).toEqual([]);
    machine.addToRolePolicy(new PolicyStatement({ actions: ['states:DescribeExecution'], resources: ['*'] }));
    expect(findings()).toEqual([
      'AwsSolutions-IAM5[Resource::*] at Telemetry/Machine/Role/DefaultPolicy/Resource',
    ]);
  });
});
