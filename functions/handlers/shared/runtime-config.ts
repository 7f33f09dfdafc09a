import type { JobDefaults } from '../../core/job-config';

/** What the handlers are configured with: by the stack through each function's environment, or offline. */
export interface RuntimeConfig {
  tableName: string;
  defaults: JobDefaults;
  /** How long finished jobs stay in the table before DynamoDB's TTL may delete them. */
  jobTtlSeconds: number;
  /** The bucket `Finalize job` delivers documents to (`DOCUMENTS_BUCKET`); none is delivered without it. */
  documentsBucket?: string;
  /** The EventBridge bus job events go to (`EVENT_BUS_NAME`; the stack sets `default`); none are sent without it. */
  eventBusName?: string;
}

/**
 * Reads the handlers' configuration from a function's environment variables (as the stack sets them).
 * A missing variable is a deployment bug, so it fails loudly with the variable's name.
 */
export function readRuntimeConfig(env: Readonly<Record<string, string | undefined>>): RuntimeConfig {
  const required = (name: string): string => {
    const value = env[name];
    if (!value)
      throw new Error(
        `Environment variable ${name} is not set; the Longform stack sets it on every function`,
      );
    return value;
  };
  const positiveInteger = (name: string): number => {
    const value = Number(required(name));
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`Environment variable ${name} must be a positive integer`);
    return value;
  };
  return {
    tableName: required('TABLE_NAME'),
    defaults: {
      modelId: required('DEFAULT_MODEL_ID'),
      maxTokensPerRound: positiveInteger('DEFAULT_MAX_TOKENS_PER_ROUND'),
      maxRounds: positiveInteger('DEFAULT_MAX_ROUNDS'),
      ...(env.MAX_TOKENS_PER_ROUND_LIMIT
        ? { maxTokensPerRoundLimit: positiveInteger('MAX_TOKENS_PER_ROUND_LIMIT') }
        : {}),
      allowedModelIds: (env.ALLOWED_MODEL_IDS ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    },
    jobTtlSeconds: positiveInteger('JOB_TTL_DAYS') * 86_400,
    ...(env.DOCUMENTS_BUCKET ? { documentsBucket: env.DOCUMENTS_BUCKET } : {}),
    ...(env.EVENT_BUS_NAME ? { eventBusName: env.EVENT_BUS_NAME } : {}),
  };
}
