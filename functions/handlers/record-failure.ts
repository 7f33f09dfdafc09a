import type { Context } from 'aws-lambda';
import type { CaughtFailure } from '../core/failure-description';
import { recordFailure } from '../workflow/record-failure';
import { jobStore } from './shared/clients';
import { logger } from './shared/powertools';

/** Payload of `Record failure`: the job and the Catch output. */
export interface RecordFailureEvent {
  jobId: string;
  failure: CaughtFailure;
}

/** `Record failure`: marks the job FAILED and hands a clean error name and message to the Fail state. */
export const handler = async (event: RecordFailureEvent, context?: Context) => {
  logger.addContext(context as Context);
  logger.appendKeys({ jobId: event.jobId });
  const recorded = await recordFailure(jobStore(), event.jobId, event.failure);
  logger.error('Job failed', { errorName: recorded.error });
  return recorded;
};
