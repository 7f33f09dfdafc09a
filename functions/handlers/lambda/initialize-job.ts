import { createInitializeJobHandler } from '../initialize-job';
import { config, logger, store } from './container';

/** Lambda entry point of `Initialize job`. */
export const handler = createInitializeJobHandler({
  store,
  defaults: config.defaults,
  telemetry: { logger },
});
