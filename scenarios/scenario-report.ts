import { compareWithTarget, type DocumentComparison } from './document-comparison';

/** What one reliability scenario did and measured: one row of the report. */
export interface ScenarioReport {
  scenario: string;
  /** Faults injected, by kind (`throttle 429`, `kill after round write`, ...). */
  faults: Record<string, number>;
  /** Jobs whose final document was compared with its target. */
  jobs: number;
  exactJobs: number;
  charactersCompared: number;
  charactersLost: number;
  charactersDuplicated: number;
  /** Bad inputs tried, and those refused as required (named error naming the field, non-zero, nothing written). */
  badInputs: number;
  badInputsRefused: number;
  /** Facts a reader needs besides the counts (resumes, peak RSS, ...), one short line each. */
  notes: string[];
  /** Problems found: each one fails the report. */
  problems: string[];
  elapsedMs: number;
}

/** Collects a scenario's counts as it runs. */
export class ScenarioRecorder {
  private readonly started = performance.now();
  private readonly report: ScenarioReport;

  constructor(scenario: string) {
    this.report = {
      scenario,
      faults: {},
      jobs: 0,
      exactJobs: 0,
      charactersCompared: 0,
      charactersLost: 0,
      charactersDuplicated: 0,
      badInputs: 0,
      badInputsRefused: 0,
      notes: [],
      problems: [],
      elapsedMs: 0,
    };
  }

  /** Counts `count` injected faults of `kind`. */
  fault(kind: string, count = 1): void {
    if (count > 0) this.report.faults[kind] = (this.report.faults[kind] ?? 0) + count;
  }

  /** Compares a job's final document with its target and counts the difference. */
  document(jobId: string, produced: string, target: string): DocumentComparison {
    const comparison = compareWithTarget(produced, target);
    this.report.jobs++;
    this.report.charactersCompared += comparison.compared;
    this.report.charactersLost += comparison.lost;
    this.report.charactersDuplicated += comparison.duplicated;
    if (comparison.exact) this.report.exactJobs++;
    else
      this.problem(
        `${jobId}: ${comparison.lost} characters lost, ${comparison.duplicated} duplicated (of ${comparison.compared})`,
      );
    return comparison;
  }

  /** Counts one bad input; `problem` says how it was not refused as required, or is undefined. */
  badInput(name: string, problem: string | undefined): void {
    this.report.badInputs++;
    if (problem === undefined) this.report.badInputsRefused++;
    else this.problem(`bad input "${name}": ${problem}`);
  }

  note(text: string): void {
    this.report.notes.push(text);
  }

  problem(text: string): void {
    this.report.problems.push(text);
  }

  /** The finished report. */
  finish(): ScenarioReport {
    return { ...this.report, elapsedMs: Math.round(performance.now() - this.started) };
  }
}
