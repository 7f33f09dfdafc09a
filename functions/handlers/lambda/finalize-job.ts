import { Metrics } from '@aws-lambda-powertools/metrics';
import { createFinalizeJobHandler } from '../finalize-job';
import { logger, store } from './container';
import { documents, events } from './outlets';

/** Lambda entry point of `Finalize job` (its metrics' namespace from the environment). */
export const handler = createFinalizeJobHandler({
  store,
  documents,
  events,
  telemetry: { logger, metrics: new Metrics() },
});
