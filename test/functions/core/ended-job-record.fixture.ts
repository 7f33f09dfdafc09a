import type { DeliveredDocument, JobRecord } from '../../../functions/core/job-record';
import { runningJobRecord } from './job-record.fixture';

/** Where a delivered document of job-1 is, as its stamp on the job says. */
export const DELIVERED_DOCUMENT: DeliveredDocument = {
  location: 's3://bucket/documents/job-1.md',
  sha256: 'ab'.repeat(32),
  bytes: 1250,
};

/**
 * Job-1 after three rounds of 1,200 characters, with `overrides` (its final status at least), as the
 * tests of the event announcing its end need it.
 */
export function endedJobRecord(overrides: Partial<JobRecord>): JobRecord {
  return {
    ...runningJobRecord('job-1'),
    nextRound: 4,
    documentCharacters: 1200,
    usage: { inputTokens: 30, outputTokens: 900 },
    ...overrides,
  };
}
