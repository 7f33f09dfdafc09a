import { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoDbClient, createJobStore } from '../shared/clients';
import { readRuntimeConfig } from '../shared/runtime-config';

// The Lambda composition root: what a container builds once, from the environment the stack set on
// the function, and keeps across warm invocations. The only module of the handlers that reads
// `process.env`; the offline runtime builds the same handlers from objects instead.

/** The function's configuration. */
export const config = readRuntimeConfig(process.env);

/** The job store of the stack's table. */
export const store = createJobStore(createDynamoDbClient(), config);

/** Powertools takes its level and service name from the function's `POWERTOOLS_*` variables. */
export const logger = new Logger();
