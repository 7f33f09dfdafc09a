import { createRecordFailureHandler } from '../record-failure';
import { logger, store } from './container';
import { events } from './outlets';

/** Lambda entry point of `Record failure` (a state of the workflow, and the failed-execution rule's target). */
export const handler = createRecordFailureHandler({ store, events, telemetry: { logger } });
