import { DocumentBucket } from '../../adapters/document-bucket';
import { EventBus } from '../../adapters/event-bus';
import { createEventBridgeClient, createS3Client } from '../shared/clients';
import { config } from './container';

// Where documents are delivered and job ends announced, built once per container from the stack's
// configuration. Apart from the container so that only the steps that use them (Finalize job, Record
// failure) bundle the S3 and EventBridge clients.

/** The documents bucket, when the stack has one (`DOCUMENTS_BUCKET`). */
export const documents = config.documentsBucket
  ? new DocumentBucket(createS3Client(), config.documentsBucket)
  : undefined;

/** Job events on the stack's bus (`EVENT_BUS_NAME`), when it names one. */
export const events = config.eventBusName
  ? new EventBus(createEventBridgeClient(), config.eventBusName)
  : undefined;
