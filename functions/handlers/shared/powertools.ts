import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** Structured logger shared by the handlers. Log ids, sizes and counts only: never prompt or document text. */
export const logger = new Logger({ serviceName: 'longform' });

/** CloudWatch metrics (EMF) shared by the handlers. */
export const metrics = new Metrics({ namespace: 'Longform', serviceName: 'longform' });
