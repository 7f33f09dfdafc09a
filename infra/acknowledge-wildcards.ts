import { Validations } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 (wildcard permission) for exactly these resources on
 * `scope` and its children, so any other wildcard added later is still reported. `resources` are
 * written the way cdk-nag renders them: `*`, `<LogicalId.Arn>:*`, `arn:<AWS::Partition>:...`.
 */
export function acknowledgeWildcards(scope: IConstruct, resources: readonly string[], reason: string): void {
  for (const resource of resources) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
  }
}

/**
 * The policy that `fn.addToRolePolicy` writes to (its role's default policy), where acknowledging a
 * wildcard covers neither the role's other policies (X-Ray's) nor the trust policy.
 */
export function rolePolicyOf(fn: IFunction): IConstruct {
  const policy = fn.role?.node.tryFindChild('DefaultPolicy');
  if (!policy) throw new Error(`${fn.node.path} has no role policy yet: grant before acknowledging`);
  return policy;
}
