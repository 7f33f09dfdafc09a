import { Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { synthStack } from './synth';

// cdk-nag 3 is a CDK validation plugin; `validateScope` runs the same rules synth runs, and
// returns only findings that were not acknowledged (each acknowledgment carries its reason in code).
// Each finding is written `rule (severity) at construct path`, one per violating resource.
const findings = (stack: ReturnType<typeof synthStack>) =>
  new AwsSolutionsChecks()
    .validateScope(stack)
    .violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.ruleName} (${v.severity}) at ${r.constructPath}`),
    );

describe('cdk-nag AwsSolutions', () => {
  it('reports nothing unacknowledged for the default stack', () => {
    expect(findings(synthStack())).toEqual([]);
  });

  it('reports nothing unacknowledged when any model is allowed and the alarms go to an email topic', () => {
    expect(findings(synthStack({ allowedModelIds: [], alarmEmail: 'ops@example.com' }))).toEqual([]);
  });

  it('still reports a wildcard the construct did not intend, also on the roles that have acknowledged ones', () => {
    const stack = synthStack();
    const { finalize, initialize } = stack.longform.functions;
    finalize.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    // The state machine's role: its log delivery and X-Ray wildcards are acknowledged on their own policy.
    stack.longform.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['states:DescribeExecution'], resources: ['*'] }),
    );
    // Finalize may write documents/*; another function may not.
    const documents = stack.longform.documentsBucket?.arnForObjects('documents/*') as string;
    initialize.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [documents] }));
    const bucketId = stack.getLogicalId(stack.longform.documentsBucket?.node.defaultChild as CfnBucket);
    expect(findings(stack).sort()).toEqual([
      'AwsSolutions-IAM5[Resource::*] (error) at Longform/Longform/FinalizeJob/Role/DefaultPolicy/Resource',
      'AwsSolutions-IAM5[Resource::*] (error) at Longform/Longform/StateMachine/Role/DefaultPolicy/Resource',
      `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/documents/*] (error) at Longform/Longform/InitializeJob/Role/DefaultPolicy/Resource`,
    ]);
  });

  it('gives a reason for every acknowledgment', () => {
    const stack = synthStack({ allowedModelIds: [] });
    const acknowledgments = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, { reason?: string } | string>));
    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const [id, value] of acknowledgments) {
      const reason = typeof value === 'string' ? value : value.reason;
      expect(reason, id).toMatch(/\w{4,}.*\w{4,}.*\w{4,}/);
    }
  });
});
