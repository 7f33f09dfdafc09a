import { Validations } from 'aws-cdk-lib';
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
