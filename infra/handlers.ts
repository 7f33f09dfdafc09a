import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';

/** The Lambda handlers the workflow runs, by role. */
export type HandlerKey = 'initialize' | 'generateRound' | 'finalize' | 'recordFailure';

/** The repository root: bundling and the lock file are found from here, whatever the working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What the infrastructure needs to know about one handler. */
export interface HandlerSpec {
  /** Absolute path of the entry file (exports `handler`). */
  entry: string;
  description: string;
  timeout: Duration;
  memorySize: number;
}

const entry = (file: string) => fileURLToPath(new URL(`../functions/handlers/${file}`, import.meta.url));

/**
 * Entry files and sizing. A round calls Bedrock once for up to `maxTokensPerRound` tokens at
 * 40-180 tokens/s, so it gets Lambda's maximum 15 minutes; the other steps only touch DynamoDB.
 */
export const HANDLERS: Record<HandlerKey, HandlerSpec> = {
  initialize: {
    entry: entry('initialize-job.ts'),
    description: 'Longform: validate the execution input and create the job',
    timeout: Duration.seconds(30),
    memorySize: 256,
  },
  generateRound: {
    entry: entry('generate-round.ts'),
    description: 'Longform: generate and store the next part of the document (one Bedrock call)',
    timeout: Duration.seconds(900),
    memorySize: 512,
  },
  finalize: {
    entry: entry('finalize-job.ts'),
    description: 'Longform: record how the job ended',
    timeout: Duration.seconds(30),
    memorySize: 256,
  },
  recordFailure: {
    entry: entry('record-failure.ts'),
    description: 'Longform: mark the job FAILED with the error name and message',
    timeout: Duration.seconds(30),
    memorySize: 256,
  },
};
