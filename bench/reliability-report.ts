/**
 * Reliability report (`npm run test:reliability`): runs the fault, resume, concurrency, limit and bad-input
 * scenarios in scenarios/ at full size and prints what was injected and measured. Exits non-zero
 * when any character was lost or duplicated, a job did not end exact, or a bad input was not refused.
 */
// The scenarios bring their own local servers, clients and credentials; this only quiets the SDK's Node 20
// notice, as the CLI does.
import '../cli/process-setup';
import {
  BAD_EXECUTION_INPUTS,
  NON_OBJECT_EXECUTION_INPUTS,
  runBadExecutionInputs,
} from '../scenarios/bad-inputs';
import { runBatchJobs, throttledBatch } from '../scenarios/batch-jobs';
import {
  BAD_COMMAND_LINES,
  runBadCommandLines,
  runCliKilledAndResumed,
  runCliPermanentFailureResumed,
} from '../scenarios/cli-scenarios';
import { BURSTS, runFaultStorm, THROTTLE_30, THROTTLE_60 } from '../scenarios/fault-storms';
import { runInterruptedRounds } from '../scenarios/interrupted-rounds';
import { runLargeInputs } from '../scenarios/large-inputs';
import { runAbortedExecutions, runPermanentFailureResumed } from '../scenarios/resumed-jobs';
import type { ScenarioReport } from '../scenarios/scenario-report';
import { runConcurrentJobs, runSameJobTwice } from '../scenarios/shared-store';
import { runStreamFaults, runTimeBoxedRounds } from '../scenarios/time-boxed-rounds';

const SCENARIOS: (() => Promise<ScenarioReport>)[] = [
  () =>
    runFaultStorm({
      scenario: 'throttling 30 %',
      faults: THROTTLE_30,
      jobs: 8,
      documentTokens: 1500,
      maxTokensPerRound: 150,
    }),
  () =>
    runFaultStorm({
      scenario: 'throttling 60 %',
      faults: THROTTLE_60,
      jobs: 8,
      documentTokens: 1500,
      maxTokensPerRound: 150,
    }),
  () =>
    runFaultStorm({
      scenario: '503/500/408/drop bursts',
      faults: BURSTS,
      jobs: 8,
      documentTokens: 1500,
      maxTokensPerRound: 150,
    }),
  () => runInterruptedRounds({ seeds: 200, documentTokens: 600, maxTokensPerRound: 110, killRate: 0.6 }),
  () =>
    runInterruptedRounds({
      seeds: 40,
      documentTokens: 600,
      maxTokensPerRound: 20_000,
      killRate: 0.6,
      timeBox: { latencyPerTokenMs: 1, roundTimeoutMs: 400 },
    }),
  () => runAbortedExecutions({ seeds: 12, documentTokens: 800, maxTokensPerRound: 100 }),
  () =>
    runPermanentFailureResumed(['AccessDeniedException', 'ValidationException', 'AccessDeniedException'], 3),
  () => runSameJobTwice(),
  () => runConcurrentJobs({ jobs: 50, documentTokens: 500, maxTokensPerRound: 100 }),
  // A 200-line batch on the offline batch workflow: every line exactly once, every document exact,
  // never more than 16 model calls at once.
  async () => (await runBatchJobs(throttledBatch(200, 16))).report,
  () => runLargeInputs({ documentTokens: 900_000, maxTokensPerRound: 32_000 }),
  // Streaming: a slow model time-boxed by a 3 s round timeout, and 200 runs (40 seeds of 5 jobs) with
  // throttles and drops at seeded points of the streams, some failing past half their budget. (20 jobs
  // at once on 1 s rounds starve instruction rounds of the time to rewrite their quoted tail.)
  async () =>
    (
      await runTimeBoxedRounds({
        documentTokens: 3000,
        latencyPerTokenMs: 5,
        roundTimeoutSeconds: 3,
        maxTokensPerRound: 20_000,
      })
    ).report,
  async () =>
    (
      await runStreamFaults({
        seeds: 40,
        jobsPerSeed: 5,
        documentTokens: 1200,
        maxTokensPerRound: 20_000,
        latencyPerTokenMs: 1,
        roundTimeoutSeconds: 2,
        faultRate: 0.15,
      })
    ).report,
  () => runBadExecutionInputs('bad execution inputs', BAD_EXECUTION_INPUTS),
  () => runBadExecutionInputs('non-object execution inputs', NON_OBJECT_EXECUTION_INPUTS),
  () => runCliKilledAndResumed(7),
  () => runCliPermanentFailureResumed(),
  () => runBadCommandLines(BAD_COMMAND_LINES, 3),
];

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows
    .map((row, index) => {
      const line = row.map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      );
      return index === 0
        ? `${line.join('  ')}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`
        : line.join('  ');
    })
    .join('\n');
}

async function main(): Promise<number> {
  const started = performance.now();
  const reports: ScenarioReport[] = [];
  for (const scenario of SCENARIOS) {
    const report = await scenario();
    reports.push(report);
    process.stderr.write(`reliability: ${report.scenario}: ${(report.elapsedMs / 1000).toFixed(1)} s\n`);
  }
  const sum = (pick: (report: ScenarioReport) => number) =>
    reports.reduce((total, report) => total + pick(report), 0);
  const faultTotals: Record<string, number> = {};
  for (const report of reports) {
    for (const [kind, count] of Object.entries(report.faults))
      faultTotals[kind] = (faultTotals[kind] ?? 0) + count;
  }
  const row = (
    name: string,
    faults: number,
    r: Pick<
      ScenarioReport,
      | 'jobs'
      | 'exactJobs'
      | 'charactersCompared'
      | 'charactersLost'
      | 'charactersDuplicated'
      | 'badInputs'
      | 'badInputsRefused'
    >,
    ms: number,
  ) => [
    name,
    String(faults),
    r.jobs ? `${r.exactJobs}/${r.jobs}` : '-',
    String(r.charactersCompared),
    String(r.charactersLost),
    String(r.charactersDuplicated),
    r.badInputs ? `${r.badInputsRefused}/${r.badInputs}` : '-',
    `${(ms / 1000).toFixed(1)} s`,
  ];
  const totals = {
    jobs: sum((r) => r.jobs),
    exactJobs: sum((r) => r.exactJobs),
    charactersCompared: sum((r) => r.charactersCompared),
    charactersLost: sum((r) => r.charactersLost),
    charactersDuplicated: sum((r) => r.charactersDuplicated),
    badInputs: sum((r) => r.badInputs),
    badInputsRefused: sum((r) => r.badInputsRefused),
  };
  const header = [
    'scenario',
    'faults',
    'exact jobs',
    'chars compared',
    'lost',
    'duplicated',
    'bad inputs refused',
    'time',
  ];
  const lines = [
    'Longform reliability report',
    '',
    table([
      header,
      ...reports.map((r) =>
        row(
          r.scenario,
          Object.values(r.faults).reduce((a, b) => a + b, 0),
          r,
          r.elapsedMs,
        ),
      ),
      row(
        'total',
        sum((r) => Object.values(r.faults).reduce((a, b) => a + b, 0)),
        totals,
        performance.now() - started,
      ),
    ]),
    '',
    'Faults injected by kind',
    table([['kind', 'count'], ...Object.entries(faultTotals).map(([kind, count]) => [kind, String(count)])]),
    '',
    'Notes',
    ...reports.flatMap((r) => r.notes.map((note) => `  ${r.scenario}: ${note}`)),
  ];
  const problems = reports.flatMap((r) => r.problems.map((problem) => `  ${r.scenario}: ${problem}`));
  if (problems.length > 0) lines.push('', `PROBLEMS (${problems.length})`, ...problems);
  process.stdout.write(`${lines.join('\n')}\n`);
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = await main();
