import { MODEL_ID } from '../functions/core/model-id';

/** Where the ARNs live; CDK tokens (`Aws.PARTITION` ...) in a stack, plain strings in tests. */
export interface ArnScope {
  partition: string;
  region: string;
  account: string;
}

/**
 * Geographic prefixes of Bedrock's system-defined cross-region inference profiles
 * (`us.anthropic...`). Foundation model ids start with a provider name instead, and no provider
 * is named like one of these.
 */
const INFERENCE_PROFILE_PREFIXES = ['us', 'us-gov', 'eu', 'apac', 'jp', 'au', 'ca', 'global'];

/** Thrown when a configured model id could not appear in a Bedrock ARN. */
export class InvalidModelIdError extends Error {
  override readonly name = 'InvalidModelIdError';
}

/**
 * The ARNs `bedrock:InvokeModelWithResponseStream` must allow so a job can call `modelId`.
 *
 * An inference profile routes each request to the foundation model in any region of its
 * geography, so IAM must allow both the profile in this region and the model in every region.
 */
export function bedrockModelArns(modelId: string, scope: ArnScope): string[] {
  if (!MODEL_ID.test(modelId)) {
    throw new InvalidModelIdError(`Model id ${JSON.stringify(modelId)} is not a Bedrock model or profile id`);
  }
  const dot = modelId.indexOf('.');
  const prefix = dot > 0 ? modelId.slice(0, dot) : '';
  const foundationModel = (id: string) => `arn:${scope.partition}:bedrock:*::foundation-model/${id}`;
  if (!INFERENCE_PROFILE_PREFIXES.includes(prefix)) return [foundationModel(modelId)];
  return [
    `arn:${scope.partition}:bedrock:${scope.region}:${scope.account}:inference-profile/${modelId}`,
    foundationModel(modelId.slice(dot + 1)),
  ];
}

/**
 * The Bedrock invoke resources for a list of allowed ids, without duplicates.
 * An empty list means any model (the handlers accept any id then), so IAM allows every model
 * and every inference profile of this account and region.
 */
export function bedrockInvokeResources(allowedModelIds: readonly string[], scope: ArnScope): string[] {
  if (allowedModelIds.length === 0) {
    return [
      `arn:${scope.partition}:bedrock:*::foundation-model/*`,
      `arn:${scope.partition}:bedrock:${scope.region}:${scope.account}:inference-profile/*`,
    ];
  }
  return [...new Set(allowedModelIds.flatMap((id) => bedrockModelArns(id, scope)))];
}
