import type { JobEvent } from '../client/job-events';
import { addUsage, NO_USAGE, type Usage } from '../functions/core/job-record';
import { outcomeStatus } from './job-report';
import { LiveLine, type ProgressSink } from './progress-reporter';

/** Input tokens in all (uncached, read from and written to the cache), and those read from the cache. */
function tokens(usage: Usage): string {
  const all = addUsage(NO_USAGE, usage);
  const input = all.inputTokens + all.cacheReadInputTokens + all.cacheWriteInputTokens;
  return `${input} in (${all.cacheReadInputTokens} cached) / ${all.outputTokens} out tokens`;
}

function rounds(count: number): string {
  return `${count} ${count === 1 ? 'round' : 'rounds'}`;
}

/** Elapsed time as a person reads it: `4.2 s`, `3m 07s`, `2h 05m`. */
export function elapsedText(milliseconds: number): string {
  const seconds = Math.max(0, milliseconds) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.floor(seconds);
  const pad = (value: number) => String(value).padStart(2, '0');
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${pad(whole % 60)}s`;
  return `${Math.floor(whole / 3600)}h ${pad(Math.floor(whole / 60) % 60)}m`;
}

/**
 * The line of a job's end: its status as `status` reports it (the execution's while the recorder has not
 * marked a stopped job yet), the execution's, rounds, characters and tokens.
 */
export function finishedLine(event: Extract<JobEvent, { type: 'finished' }>): string {
  return (
    `finished: ${outcomeStatus(event.jobStatus, event.executionStatus)} (execution ${event.executionStatus}), ` +
    `${rounds(event.rounds)}, ${event.documentCharacters} chars, ${tokens(event.usage)}`
  );
}

/**
 * Turns `LongformClient.watch` events into progress. On a terminal: one live line redrawn in place with
 * the rounds so far, tokens (in, cached, out), characters, the rate in characters a second, retries and
 * the time since the job started; then the outcome on its own line. Otherwise one plain line per event.
 * Only counts are shown, never text.
 */
export class JobEventReporter {
  private readonly line: LiveLine;
  private rounds = 0;
  private usage: Required<Usage> = NO_USAGE;
  private characters = 0;
  private retries = 0;
  private lastRetry: string | undefined;

  /**
   * @param startedAt when the job started (epoch ms): elapsed time and the rate count from it.
   * @param now the clock (injected for tests).
   */
  constructor(
    sink: ProgressSink,
    private readonly startedAt: number,
    private readonly now: () => number = Date.now,
  ) {
    this.line = new LiveLine(sink, '');
  }

  /** Reports one event. */
  report(event: JobEvent): void {
    if (event.type === 'round') {
      this.rounds = event.round;
      this.usage = addUsage(this.usage, event.usage);
      this.characters = event.documentCharacters;
      if (this.line.isTTY) {
        this.redraw();
        return;
      }
      const reason = event.stopReason === 'time_budget' ? 'cut by time (time_budget)' : event.stopReason;
      this.line.write(
        `round ${event.round}: ${reason}, ${tokens(event.usage)}, ` +
          `+${event.roundCharacters} chars (${event.documentCharacters} total)`,
        false,
      );
    } else if (event.type === 'retry') {
      this.retries++;
      this.lastRetry = event.error;
      if (this.line.isTTY) {
        this.redraw();
        return;
      }
      const step = event.round === undefined ? '' : ` of round ${event.round}`;
      this.line.write(`retry ${event.attempt}${step} after ${event.error}`, false);
    } else {
      this.line.finish();
      this.line.write(finishedLine(event), false);
    }
  }

  /** Redraws the live line, so its elapsed time moves on between events (a terminal only). */
  tick(): void {
    if (this.line.isTTY) this.redraw();
  }

  /** Ends the live line so what follows starts on a fresh line. */
  finish(): void {
    this.line.finish();
  }

  private redraw(): void {
    const elapsed = this.now() - this.startedAt;
    const rate = elapsed > 0 ? Math.round(this.characters / (elapsed / 1000)) : 0;
    const retries =
      this.retries === 0
        ? ''
        : `, ${this.retries} ${this.retries === 1 ? 'retry' : 'retries'} (last ${this.lastRetry})`;
    this.line.write(
      `${rounds(this.rounds)}, ${tokens(this.usage)}, ${this.characters} chars, ` +
        `${rate} chars/s${retries}, ${elapsedText(elapsed)}`,
      true,
    );
  }
}
