import type { ExecutionEvent } from '../local/offline-runtime';

/** Where progress goes: stderr, and whether it is a terminal (live line) or a log (plain lines). */
export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
  /** The terminal's width: a live line is cut to fit it, since `\r` cannot redraw a wrapped line. */
  columns?: number;
}

interface RoundOutput {
  round: number;
  stopReason: string;
  outputTokens: number;
  roundCharacters: number;
  documentCharacters: number;
}

/**
 * One line redrawn in place on a terminal (`\r` and clear-to-end), or plain lines to a log. Lines a
 * later one must not overwrite (a retry, an outcome) are written as they are.
 */
export class LiveLine {
  private live = false;

  /** @param prefix starts every line (`longform: ` on stderr, where other programs write too). */
  constructor(
    private readonly sink: ProgressSink,
    private readonly prefix = 'longform: ',
  ) {}

  /** Whether lines are redrawn (a terminal). */
  get isTTY(): boolean {
    return this.sink.isTTY;
  }

  /** Writes `text` as a line; on a terminal a `replaceable` one is redrawn by the next line. */
  write(text: string, replaceable: boolean): void {
    if (!this.sink.isTTY) {
      this.sink.write(`${this.prefix}${text}\n`);
      return;
    }
    const { columns } = this.sink;
    const fitted =
      replaceable && columns ? `${this.prefix}${text}`.slice(0, columns - 1) : `${this.prefix}${text}`;
    this.sink.write(`${this.live ? '\r\x1b[K' : ''}${fitted}${replaceable ? '' : '\n'}`);
    this.live = replaceable;
  }

  /** Ends the live line so what follows starts on a fresh line. */
  finish(): void {
    if (this.live) this.sink.write('\n');
    this.live = false;
  }
}

/**
 * Turns an execution's events into progress: one line per round (round, stop reason, tokens,
 * characters, elapsed) and one per retry. On a terminal the round line is redrawn in place.
 * Only counts are shown, never text.
 */
export class ProgressReporter {
  private readonly started = Date.now();
  private readonly line: LiveLine;
  private lastError: string | undefined;

  constructor(
    sink: ProgressSink,
    private readonly roundStateName: string,
  ) {
    this.line = new LiveLine(sink);
  }

  /** Reports one event. */
  report(event: ExecutionEvent): void {
    if (event.type === 'StateExited' && event.state.name === this.roundStateName) {
      const output = event.state.output as Partial<RoundOutput> | undefined;
      // A caught failure also exits the state, with the error instead of a round result.
      if (typeof output?.round !== 'number') return;
      this.line.write(
        `round ${output.round}: ${output.stopReason === 'time_budget' ? 'cut by time (time_budget)' : output.stopReason}, ${output.outputTokens} tokens, ` +
          `+${output.roundCharacters} chars (${output.documentCharacters} total), ${this.elapsed()}`,
        true,
      );
    } else if (event.type === 'StateFailed') {
      this.lastError = event.Error;
    } else if (event.type === 'StateRetried') {
      this.line.write(
        `retry ${event.retry.attempt} of "${event.state.name}" after ${this.lastError ?? 'an error'}`,
        false,
      );
    }
  }

  /** Ends the live line so what follows starts on a fresh line. */
  finish(): void {
    this.line.finish();
  }

  private elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1)} s`;
  }
}
