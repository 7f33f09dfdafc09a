/**
 * A Bedrock model or inference-profile id: letters, digits and `.`, `_`, `:`, `-`. The stack builds IAM
 * ARNs from configured ids, so nothing else may appear in one (it could widen an ARN).
 */
export const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** What a job's `modelId` may be: a model or profile id, or the ARN of a model or profile. */
export const MODEL_ID_OR_ARN =
  /^(?:[A-Za-z0-9][A-Za-z0-9._:-]*|arn:aws[a-z-]*:bedrock:[a-z0-9-]*:\d{0,12}:[a-z-]+\/[A-Za-z0-9._:-]+)$/;
