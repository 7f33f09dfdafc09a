import { Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { synthStack } from './synth';

// cdk-nag 3 is a CDK validation plugin; `validateScope` runs the same rules synth runs, and
// returns only findings that were not acknowledged (each acknowledgment carries its reason in code).
const findings = (stack: ReturnType<typeof synthStack>) =>
  new AwsSolutionsChecks().validateScope(stack).violations.map((v) => `${v.ruleName} (${v.severity})`);

describe('cdk-nag AwsSolutions', () => {
  it('reports nothing unacknowledged for the default stack', () => {
    expect(findings(synthStack())).toEqual([]);
  });

  it('reports nothing unacknowledged when any model is allowed', () => {
    expect(findings(synthStack({ allowedModelIds: [] }))).toEqual([]);
  });

  it('still reports a wildcard the construct did not intend', () => {
    const stack = synthStack();
    stack.longform.functions.finalize.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }),
    );
    expect(findings(stack)).toEqual(['AwsSolutions-IAM5[Resource::*] (error)']);
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
