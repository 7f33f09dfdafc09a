import type { Context } from 'aws-lambda';
import { startJob } from '../workflow/start-job';
import { jobStore } from './shared/clients';
import { logger } from './shared/powertools';
import { readRuntimeConfig } from './shared/runtime-config';

/** Payload of `Initialize job`: the execution name and the execution input. */
export interface InitializeJobEvent {
  jobId: string;
  input: unknown;
}

/** `Initialize job`: validates the input and creates (or resumes) the job. */
export const handler = async (event: InitializeJobEvent, context?: Context) => {
  logger.addContext(context as Context);
  logger.appendKeys({ jobId: event.jobId });
  const started = await startJob(jobStore(), readRuntimeConfig().defaults, event.jobId, event.input);
  logger.info('Job initialized', { nextRound: started.nextRound });
  return started;
};
