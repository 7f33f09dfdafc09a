import type { ContinuationMode } from '../../../functions/core/job-config';
import { type JobRecord, newJobRecord } from '../../../functions/core/job-record';

/** A RUNNING job record of a small converse job, as the job-record tests of several layers need one. */
export function runningJobRecord(
  jobId: string,
  options: { continuation?: ContinuationMode; createdAt?: string } = {},
): JobRecord {
  return newJobRecord(
    jobId,
    {
      messages: [{ role: 'user', text: 'prompt' }],
      modelId: 'model',
      api: 'converse',
      maxTokensPerRound: 100,
      maxRounds: 10,
      continuation: options.continuation ?? 'auto',
      stopSequences: [],
    },
    'prefill',
    'RUNNING',
    options.createdAt ?? '2026-01-01T00:00:00.000Z',
  );
}
