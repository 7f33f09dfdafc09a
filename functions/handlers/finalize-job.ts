import type { Context } from 'aws-lambda';
import { finishJob } from '../workflow/finish-job';
import { jobStore } from './shared/clients';
import { logger } from './shared/powertools';

/** `Finalize job`: stamps the end of the job and reports whether it completed. */
export const handler = async (event: { jobId: string }, context?: Context) => {
  logger.addContext(context as Context);
  logger.appendKeys({ jobId: event.jobId });
  const finished = await finishJob(jobStore(), event.jobId);
  logger.info('Job finished', {
    status: finished.status,
    rounds: finished.rounds,
    documentCharacters: finished.documentCharacters,
  });
  return finished;
};
