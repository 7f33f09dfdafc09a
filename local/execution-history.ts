import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import type { ExecutionEvent } from './offline-runtime';

/** A Step Functions history event as GetExecutionHistory returns it (dates in epoch seconds). */
export interface HistoryEvent {
  timestamp: number;
  type: string;
  id: number;
  previousEventId: number;
  [details: string]: unknown;
}

/** A history event before it has its place in a history: its type and details. */
export type HistoryEntry = { type: string } & Record<string, unknown>;

/**
 * The history of one served execution: its events numbered from 1, each pointing at the one before, as
 * the service numbers them; a redrive appends to it. In memory, or (with a data directory) appended to a
 * file of one JSON event a line, so a job of many rounds costs no memory and the history survives the
 * process: only the count and the last event's type are kept. A line cut off by a kill is dropped when the
 * file is opened again.
 */
export class ExecutionHistory {
  private constructor(
    private readonly file: string | undefined,
    private readonly kept: HistoryEvent[],
    private count: number,
    private last: string | undefined,
  ) {}

  /** A history held in memory. */
  static inMemory(): ExecutionHistory {
    return new ExecutionHistory(undefined, [], 0, undefined);
  }

  /** A new, empty history in `file` (replacing anything there). */
  static createFile(file: string): ExecutionHistory {
    writeFileSync(file, '');
    return new ExecutionHistory(file, [], 0, undefined);
  }

  /** The history kept in `file` by an earlier process (empty when the file is gone). */
  static openFile(file: string): ExecutionHistory {
    const events = readEvents(file);
    const complete = events.reduce((bytes, line) => bytes + Buffer.byteLength(line.text, 'utf8') + 1, 0);
    try {
      truncateSync(file, complete);
    } catch {
      writeFileSync(file, '');
    }
    return new ExecutionHistory(file, [], events.length, events.at(-1)?.event.type);
  }

  /** How many events the history has. */
  get length(): number {
    return this.count;
  }

  /** The type of the last event, if any. */
  get lastType(): string | undefined {
    return this.last;
  }

  /** Appends an event that happened at `timestampMs`, numbering it. */
  append(entry: HistoryEntry, timestampMs = Date.now()): void {
    this.count += 1;
    this.last = entry.type;
    const event: HistoryEvent = {
      timestamp: timestampMs / 1000,
      id: this.count,
      previousEventId: this.count - 1,
      ...entry,
    };
    if (this.file) appendFileSync(this.file, `${JSON.stringify(event)}\n`);
    else this.kept.push(event);
  }

  /** Every event, oldest first. */
  events(): HistoryEvent[] {
    return this.file ? readEvents(this.file).map((line) => line.event) : [...this.kept];
  }
}

/** The complete lines of a history file, in order; a last line without its newline is not one. */
function readEvents(file: string): { text: string; event: HistoryEvent }[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n');
  lines.pop();
  const events: { text: string; event: HistoryEvent }[] = [];
  for (const line of lines) {
    try {
      events.push({ text: line, event: JSON.parse(line) as HistoryEvent });
    } catch {
      break;
    }
  }
  return events;
}

/**
 * The library's event as a Step Functions history entry: states as `<Type>StateEntered`/`Exited`, a Task's
 * failed attempt as `LambdaFunctionFailed` with the error's name (retried or not; the service records
 * `LambdaFunction…` events for a Task whose Resource is a function ARN, as every step's is), and
 * the execution's start and end. Other library events (retries, catches) have no event of their own;
 * StopExecution records `ExecutionAborted` itself.
 */
export function historyEntry(event: ExecutionEvent): HistoryEntry | undefined {
  switch (event.type) {
    case 'ExecutionStarted':
      return {
        type: 'ExecutionStarted',
        executionStartedEventDetails: {
          input: JSON.stringify(event.input),
          inputDetails: { truncated: false },
        },
      };
    case 'ExecutionSucceeded':
      return {
        type: 'ExecutionSucceeded',
        executionSucceededEventDetails: {
          output: JSON.stringify(event.output),
          outputDetails: { truncated: false },
        },
      };
    case 'ExecutionFailed':
      return {
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: event.Error, cause: String(event.Cause ?? '') },
      };
    case 'ExecutionTimeout':
      return { type: 'ExecutionTimedOut', executionTimedOutEventDetails: {} };
    case 'StateEntered':
      return {
        type: `${event.state.type}StateEntered`,
        stateEnteredEventDetails: { name: event.state.name, input: JSON.stringify(event.state.input) },
      };
    case 'StateExited':
      return {
        type: `${event.state.type}StateExited`,
        stateExitedEventDetails: {
          name: event.state.name,
          output: JSON.stringify(event.state.output ?? null),
        },
      };
    case 'StateFailed':
      return event.state.type === 'Task'
        ? {
            type: 'LambdaFunctionFailed',
            lambdaFunctionFailedEventDetails: { error: event.Error, cause: String(event.Cause ?? '') },
          }
        : undefined;
    default:
      return undefined;
  }
}
