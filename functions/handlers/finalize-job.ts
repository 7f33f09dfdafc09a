import type { JobStore } from '../adapters/job-store';
import { type FinishedJob, finishJob } from '../workflow/finish-job';
import { instrumented, type StepHandler, type Telemetry } from './shared/powertools';

/** Payload of `Finalize job`. */
export interface FinalizeJobEvent {
  jobId: string;
}

/** `Finalize job`: stamps the end of the job and reports whether it completed. */
export function createFinalizeJobHandler(dependencies: {
  store: JobStore;
  telemetry: Telemetry;
}): StepHandler<FinalizeJobEvent, FinishedJob> {
  const { store, telemetry } = dependencies;
  return instrumented(telemetry, async (event) => {
    const finished = await finishJob(store, event.jobId);
    telemetry.logger.info('Job finished', {
      status: finished.status,
      rounds: finished.rounds,
      documentCharacters: finished.documentCharacters,
    });
    return finished;
  });
}
