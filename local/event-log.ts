import { appendFile } from 'node:fs/promises';
import type { EventSink, JobEvent } from '../functions/core/job-events';

/** One offline job event, as `events.jsonl` holds it (one JSON object per line). */
export interface LoggedEvent extends JobEvent {
  time: string;
}

/**
 * Offline job events (docs/architecture.md, "Delivery and events"): kept in memory for whoever runs the
 * runtime, and appended to `events.jsonl` of the data directory when there is one.
 */
export class EventLog implements EventSink {
  /** Every event published, in order. */
  readonly events: LoggedEvent[] = [];

  /** @param path the `events.jsonl` to append to; in memory only without it. */
  constructor(private readonly path?: string) {}

  async publish(event: JobEvent): Promise<void> {
    const logged: LoggedEvent = { ...event, time: new Date().toISOString() };
    if (this.path) await appendFile(this.path, `${JSON.stringify(logged)}\n`);
    this.events.push(logged);
  }
}
