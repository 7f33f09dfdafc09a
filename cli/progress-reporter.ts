import type { ExecutionEvent } from '../local/offline-runtime';

/** Where progress goes: stderr, and whether it is a terminal (live line) or a log (plain lines). */
export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

interface RoundOutput {
  round: number;
  stopReason: string;
  outputTokens: number;
  roundCharacters: number;
  documentCharacters: number;
}

/**
 * Turns an execution's events into progress: one line per round (round, stop reason, tokens,
 * characters, elapsed) and one per retry. On a terminal the round line is redrawn in place.
 * Only counts are shown, never text.
 */
export class ProgressReporter {
  private readonly started = Date.now();
  private live = false;
  private lastError: string | undefined;

  constructor(
    private readonly sink: ProgressSink,
    private readonly roundStateName: string,
  ) {}

  /** Reports one event. */
  report(event: ExecutionEvent): void {
    if (event.type === 'StateExited' && event.state.name === this.roundStateName) {
      const output = event.state.output as Partial<RoundOutput> | undefined;
      // A caught failure also exits the state, with the error instead of a round result.
      if (typeof output?.round !== 'number') return;
      this.line(
        `round ${output.round}: ${output.stopReason === 'time_budget' ? 'cut by time (time_budget)' : output.stopReason}, ${output.outputTokens} tokens, ` +
          `+${output.roundCharacters} chars (${output.documentCharacters} total), ${this.elapsed()}`,
        true,
      );
    } else if (event.type === 'StateFailed') {
      this.lastError = event.Error;
    } else if (event.type === 'StateRetried') {
      this.line(
        `retry ${event.retry.attempt} of "${event.state.name}" after ${this.lastError ?? 'an error'}`,
        false,
      );
    }
  }

  /** Ends the live line so what follows starts on a fresh line. */
  finish(): void {
    if (this.live) this.sink.write('\n');
    this.live = false;
  }

  private line(text: string, replaceable: boolean): void {
    if (!this.sink.isTTY) {
      this.sink.write(`longform: ${text}\n`);
      return;
    }
    this.sink.write(`${this.live ? '\r\x1b[K' : ''}longform: ${text}${replaceable ? '' : '\n'}`);
    this.live = replaceable;
  }

  private elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1)} s`;
  }
}
