/**
 * Offline batch under throttling (`npx tsx bench/batch.ts [--quick]`): a manifest of 200 lines (16 with
 * --quick) through `longform batch`'s runtime, 16 at once (4), while the emulator throttles 30 % of model
 * calls. Prints wall time, items per minute, the most model requests the emulator answered at once, and
 * how many documents came back exact; exits non-zero on any lost or duplicated line or character, or a
 * concurrency above the limit.
 */
import '../cli/process-setup';
import { runBatchJobs, throttledBatch } from '../scenarios/batch-jobs';

const quick = process.argv.includes('--quick');
const items = quick ? 16 : 200;
const concurrency = quick ? 4 : 16;
const { report, wallMs, itemsPerMinute, maxInFlight, linesLost, linesDuplicated } = await runBatchJobs(
  throttledBatch(items, concurrency),
);
const throttles = Object.entries(report.faults)
  .filter(([kind]) => kind.startsWith('throttle'))
  .reduce((sum, [, count]) => sum + count, 0);
const rows = [
  [
    'items',
    'concurrency',
    'throttles',
    'lines lost',
    'lines twice',
    'exact',
    'lost chars',
    'dup chars',
    'max in flight',
    'wall',
    'items/min',
  ],
  [
    String(items),
    String(concurrency),
    String(throttles),
    String(linesLost),
    String(linesDuplicated),
    `${report.exactJobs}/${report.jobs}`,
    String(report.charactersLost),
    String(report.charactersDuplicated),
    String(maxInFlight),
    `${(wallMs / 1000).toFixed(1)} s`,
    itemsPerMinute.toFixed(0),
  ],
];
const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
const line = (row: string[]) => row.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  ');
process.stdout.write(
  `Offline batch, 30 % of model calls throttled\n\n${line(rows[0] ?? [])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${line(rows[1] ?? [])}\n`,
);
for (const problem of report.problems) process.stdout.write(`PROBLEM: ${problem}\n`);
process.exitCode = report.problems.length === 0 ? 0 : 1;
