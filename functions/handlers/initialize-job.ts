import type { JobStore } from '../adapters/job-store';
import type { JobDefaults } from '../core/job-config';
import { type StartedJob, startJob } from '../workflow/start-job';
import { instrumented, type StepHandler, type Telemetry } from './shared/powertools';

/** Payload of `Initialize job`: the execution name and the execution input. */
export interface InitializeJobEvent {
  jobId: string;
  input: unknown;
}

/** What `Initialize job` runs with. */
export interface InitializeJobDependencies {
  store: JobStore;
  /** The stack's job defaults and bounds that validation applies. */
  defaults: JobDefaults;
  telemetry: Telemetry;
}

/** `Initialize job`: validates the input and creates (or resumes) the job. */
export function createInitializeJobHandler({
  store,
  defaults,
  telemetry,
}: InitializeJobDependencies): StepHandler<InitializeJobEvent, StartedJob> {
  return instrumented(telemetry, async (event) => {
    const started = await startJob(store, defaults, event.jobId, event.input);
    telemetry.logger.info('Job initialized', { nextRound: started.nextRound });
    return started;
  });
}
