import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { JobStore } from '../adapters/job-store';
import type { DocumentSink } from '../core/document-object';
import type { EventSink } from '../core/job-events';
import { type FinishedJob, finishJob } from '../workflow/finish-job';
import { instrumented, type StepHandler, type Telemetry } from './shared/powertools';

/** Payload of `Finalize job`. */
export interface FinalizeJobEvent {
  jobId: string;
}

/** What `Finalize job` runs with: without `documents` nothing is delivered, without `events` nothing announced. */
export interface FinalizeJobDependencies {
  store: JobStore;
  telemetry: Telemetry;
  documents?: DocumentSink;
  events?: EventSink;
}

/**
 * `Finalize job`: stamps the end of the job, delivers its document and announces the end, and reports
 * whether it completed. Counts each end once (`DocumentsFinished` by `JobStatus`, and the bytes of its
 * delivered document), on the invocation that completed its delivery and announcement first: a retry
 * of one that failed after stamping the end counts it.
 */
export function createFinalizeJobHandler({
  store,
  telemetry,
  documents,
  events,
}: FinalizeJobDependencies): StepHandler<FinalizeJobEvent, FinishedJob> {
  const { logger, metrics } = telemetry;
  return instrumented(telemetry, async (event) => {
    const { finished, announcedNow, delivered } = await finishJob(store, event.jobId, { documents, events });
    logger.info('Job finished', {
      status: finished.status,
      rounds: finished.rounds,
      documentCharacters: finished.documentCharacters,
      ...(delivered ? { documentBytes: delivered.bytes } : {}),
    });
    if (announcedNow && metrics) {
      // A metric of its own: JobStatus is not a dimension of DocumentBytes.
      const single = metrics.singleMetric();
      single.addDimension('JobStatus', finished.status);
      single.addMetric('DocumentsFinished', MetricUnit.Count, 1);
      if (finished.document) metrics.addMetric('DocumentBytes', MetricUnit.Bytes, finished.document.bytes);
    }
    return finished;
  });
}
