/**
 * Longform's SDK (`import { LongformClient } from 'longform'`): start, watch, resume and read jobs of a
 * deployed stack or of `longform serve` (README, SDK).
 */

export { CorruptDocumentError, InvalidInputError, JobNotFoundError } from '../functions/core/errors';
export type { JobDefaults } from '../functions/core/job-config';
export type { FinishedEvent, JobEvent, RetryEvent, RoundEvent, Usage } from './job-events';
export {
  type JobStatus,
  type ListedJob,
  LongformClient,
  type LongformClientOptions,
  type ResumedJob,
  type StackClientOptions,
  type StartedJob,
  type StartJobInput,
  type WatchOptions,
} from './longform-client';
export { JobAlreadyCompletedError, JobNotResumableError } from './resume-plan';
export { StackOutputMissingError } from './stack-outputs';
