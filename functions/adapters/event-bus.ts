import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { classifyStoreError } from '../core/error-classification';
import { EventBusUnavailableError, StoreUnavailableError } from '../core/errors';
import { EVENT_SOURCE, type EventSink, type JobEvent } from '../core/job-events';

/**
 * Job events on an EventBridge bus (docs/architecture.md, "Delivery and events"). PutEvents answers 200
 * even when it refused an entry, so its FailedEntryCount is checked: a refused entry, throttling, a
 * fault or a network failure is EventBusUnavailableError, which the state machine retries.
 */
export class EventBus implements EventSink {
  constructor(
    private readonly events: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(event: JobEvent): Promise<void> {
    const command = new PutEventsCommand({
      Entries: [
        {
          EventBusName: this.busName,
          Source: EVENT_SOURCE,
          DetailType: event.detailType,
          Detail: JSON.stringify(event.detail),
        },
      ],
    });
    const response = await this.events.send(command).catch((error: unknown) => {
      const classified = classifyStoreError(error);
      if (!(classified instanceof StoreUnavailableError)) throw classified;
      throw new EventBusUnavailableError(`Event bus ${this.busName}: ${classified.message}`, {
        cause: error,
      });
    });
    if (response.FailedEntryCount) {
      // The error code only: the entry's message may describe its detail.
      const codes = (response.Entries ?? []).map((entry) => entry.ErrorCode).filter(Boolean);
      throw new EventBusUnavailableError(
        `Event bus ${this.busName} refused the ${event.detailType} event (${codes.join(', ') || 'no error code'})`,
      );
    }
  }
}
