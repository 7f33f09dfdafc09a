import { createFinalizeJobHandler } from '../finalize-job';
import { logger, store } from './container';

/** Lambda entry point of `Finalize job`. */
export const handler = createFinalizeJobHandler({ store, telemetry: { logger } });
