import {
  CloudFormationClient,
  type CloudFormationClientConfig,
  DescribeStacksCommand,
  type Output,
} from '@aws-sdk/client-cloudformation';
import { LongformError } from '../functions/core/errors';

/** A stack that is not a Longform stack, or not deployed yet: it lacks an output the client needs. */
export class StackOutputMissingError extends LongformError {
  override readonly name = 'StackOutputMissingError';
  readonly retriable = false;
}

/** What a client needs of a deployed Longform stack (its outputs of the same names). */
export interface LongformStackOutputs {
  stateMachineArn: string;
  tableName: string;
}

/**
 * Picks the `StateMachineArn` and `TableName` outputs of stack `stackName`.
 * @throws StackOutputMissingError naming the output that is missing.
 */
export function pickStackOutputs(stackName: string, outputs: readonly Output[]): LongformStackOutputs {
  const value = (key: string): string => {
    const found = outputs.find((output) => output.OutputKey === key)?.OutputValue;
    if (!found) {
      throw new StackOutputMissingError(
        `Stack ${stackName} has no ${key} output; is it a Longform stack, deployed with npx cdk deploy?`,
      );
    }
    return found;
  };
  return { stateMachineArn: value('StateMachineArn'), tableName: value('TableName') };
}

/** Reads a Longform stack's outputs with DescribeStacks (standard SDK config: region, credentials, endpoint). */
export async function readStackOutputs(
  stackName: string,
  config: CloudFormationClientConfig = {},
): Promise<LongformStackOutputs> {
  const cloudformation = new CloudFormationClient(config);
  try {
    const { Stacks = [] } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    return pickStackOutputs(stackName, Stacks[0]?.Outputs ?? []);
  } finally {
    cloudformation.destroy();
  }
}
