import { Metrics } from '@aws-lambda-powertools/metrics';
import { createBedrockClient } from '../../adapters/bedrock-model';
import { createGenerateRoundHandler } from '../generate-round';
import { logger, store } from './container';

/** Lambda entry point of `Generate next part`, the one step that publishes metrics (namespace from the environment). */
export const handler = createGenerateRoundHandler({
  store,
  bedrock: createBedrockClient(),
  telemetry: { logger, metrics: new Metrics() },
});
