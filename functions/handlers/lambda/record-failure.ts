import { createRecordFailureHandler } from '../record-failure';
import { logger, store } from './container';

/** Lambda entry point of `Record failure` (a state of the workflow, and the failed-execution rule's target). */
export const handler = createRecordFailureHandler({ store, telemetry: { logger } });
