import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';

/** The workflow's steps, by the key code uses for them. */
export type StepKey = 'initialize' | 'generateRound' | 'finalize' | 'recordFailure';

/** The repository root: bundling and the lock file are found from here, whatever the working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Everything the stack, the definition and the offline runtime know about one workflow step. */
export interface WorkflowStep {
  /** The Task state's name: what the console, the execution history and the CLI's progress show. */
  stateName: string;
  /** Construct id of the step's function (its role, log group and logical ids derive from it). */
  constructId: string;
  /** Absolute path of the Lambda entry file (exports `handler`). */
  entry: string;
  description: string;
  timeout: Duration;
  memorySize: number;
  /** The DynamoDB calls the step's job-store methods make; IAM grants exactly these on the table. */
  tableActions: readonly string[];
}

const entry = (file: string) =>
  fileURLToPath(new URL(`../functions/handlers/lambda/${file}`, import.meta.url));

/**
 * The steps in the order of the diagram (docs/architecture.md). A round calls Bedrock once for up to
 * `maxTokensPerRound` tokens at 40-180 tokens/s, so it gets Lambda's maximum 15 minutes; the other steps
 * only touch DynamoDB. Table actions follow functions/workflow/*: initialize creates or reopens META, a
 * round reads the document so far (Query) and commits its items, finalize stamps META and streams the
 * rounds (Query) into the documents bucket, record failure updates META and reads it for the event.
 * Every step that reads META may Query the parts of a long prompt (docs/architecture.md, "Storage").
 */
export const WORKFLOW_STEPS: Record<StepKey, WorkflowStep> = {
  initialize: {
    stateName: 'Initialize job',
    constructId: 'InitializeJob',
    entry: entry('initialize-job.ts'),
    description: 'Longform: validate the execution input and create the job',
    timeout: Duration.seconds(30),
    memorySize: 256,
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  },
  generateRound: {
    stateName: 'Generate next part',
    constructId: 'GenerateRound',
    entry: entry('generate-round.ts'),
    description: 'Longform: generate and store the next part of the document (one Bedrock call)',
    timeout: Duration.seconds(900),
    memorySize: 512,
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  },
  finalize: {
    stateName: 'Finalize job',
    constructId: 'FinalizeJob',
    entry: entry('finalize-job.ts'),
    description: 'Longform: record how the job ended, deliver the document and announce the end',
    // Streams the stored rounds into the documents bucket: ~9 MiB/s measured, so 5 minutes is well
    // over a gigabyte (docs/architecture.md, "Delivery and events").
    timeout: Duration.seconds(300),
    memorySize: 256,
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  },
  recordFailure: {
    stateName: 'Record failure',
    constructId: 'RecordFailure',
    entry: entry('record-failure.ts'),
    description: 'Longform: mark the job FAILED with the error name and message, and announce it',
    timeout: Duration.seconds(30),
    memorySize: 256,
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
  },
};

/** The step keys, in the order of {@link WORKFLOW_STEPS}. */
export const STEP_KEYS = Object.keys(WORKFLOW_STEPS) as StepKey[];
