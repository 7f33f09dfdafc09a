import { Duration } from 'aws-cdk-lib';
import type { RetryProps } from 'aws-cdk-lib/aws-stepfunctions';
import { JitterType } from 'aws-cdk-lib/aws-stepfunctions';
import { EventBusUnavailableError, RETRIABLE_ERROR_NAMES } from '../functions/core/errors';

/** Errors the Lambda service itself reports when an invocation did not run or did not answer. */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
] as const;

/**
 * The one backoff every task uses: 2 s doubling to a 60 s cap with full jitter, 15 retries (at most
 * about 11 minutes of waiting, half that on average). A round fails only if 16 attempts in a row are
 * throttled: at 60 % throttling that is 0.03 % of rounds (with 8 retries it was 1 %, so most 100-round
 * jobs would have stopped once). Enough to ride out a Bedrock throttling storm while many
 * executions retry at spread-out times. Retries show in the console as task events.
 */
const BACKOFF = {
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxDelay: Duration.seconds(60),
  jitterStrategy: JitterType.FULL,
  maxAttempts: 15,
} as const satisfies Omit<RetryProps, 'errors'>;

/**
 * Retriable errors that more attempts rarely fix, with their own small budgets: a round that ran into the
 * Lambda deadline will most likely do so again (and each attempt pays for a long generation), Bedrock's
 * ModelErrorException is worth once or twice, and a model that timed out (ModelTimeoutException, or the
 * client gave up waiting) a few times (docs/architecture.md, "Retries").
 */
const SHORT_BUDGETS: Record<string, number> = {
  RoundDeadlineError: 1,
  BedrockModelError: 2,
  BedrockTimeoutError: 3,
};

/**
 * Retries for the workflow's own steps, in the order Step Functions tries them: the short budgets first,
 * then transient handler errors (docs/architecture.md, "Retries") and Lambda service errors with the full backoff.
 */
export const TRANSIENT_RETRIES: readonly RetryProps[] = [
  ...Object.entries(SHORT_BUDGETS).map(([error, maxAttempts]) => ({
    ...BACKOFF,
    errors: [error],
    maxAttempts,
  })),
  {
    ...BACKOFF,
    errors: [...RETRIABLE_ERROR_NAMES.filter((name) => !(name in SHORT_BUDGETS)), ...LAMBDA_SERVICE_ERRORS],
  },
];

/**
 * Retry for the failure-recording step: Lambda service errors and an event bus that did not take the
 * announcement (the job is already marked FAILED, so the retry repeats only the event); any other
 * failing handler is final.
 */
export const SERVICE_RETRY: RetryProps = {
  ...BACKOFF,
  errors: [...LAMBDA_SERVICE_ERRORS, new EventBusUnavailableError('').name],
};
