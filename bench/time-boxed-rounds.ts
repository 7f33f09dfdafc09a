/**
 * Time-boxed rounds (`npx tsx bench/time-boxed-rounds.ts [latencyMsPerToken] [roundTimeoutSeconds]`):
 * each job variant (both APIs, prefill and instruction) on a model streaming at 5 ms per token with a
 * 3 s round timeout and 20,000-token rounds, against the same job untimed. Prints, per job, its
 * rounds, how many the time budget cut, the share of each round's budget used, the tokens each round
 * received, and whether the document is byte-identical to the untimed one. Exits non-zero otherwise.
 */
import '../cli/process-setup';
import { runTimeBoxedRounds } from '../scenarios/time-boxed-rounds';

const latencyPerTokenMs = Number(process.argv[2] ?? 5);
const roundTimeoutSeconds = Number(process.argv[3] ?? 3);
const { report, rows } = await runTimeBoxedRounds({
  documentTokens: 3000,
  latencyPerTokenMs,
  roundTimeoutSeconds,
  maxTokensPerRound: 20_000,
});
const range = ([low, high]: [number, number], format: (n: number) => string) =>
  `${format(low)}-${format(high)}`;
const percent = (share: number) => `${Math.round(share * 100)} %`;
const lines = [
  ['job', 'rounds', 'cut by time', 'budget used', 'tokens/round', 'identical'],
  ...rows.map((row) => [
    row.variant,
    String(row.rounds),
    String(row.cutByTime),
    range(row.budgetShare, percent),
    range(row.tokensPerRound, String),
    row.identical ? 'yes' : 'NO',
  ]),
];
const widths = (lines[0] ?? []).map((_, column) =>
  Math.max(...lines.map((line) => (line[column] ?? '').length)),
);
console.log(
  `${latencyPerTokenMs} ms/token, --round-timeout ${roundTimeoutSeconds}, --max-tokens-per-round 20000, 3,000-token documents`,
);
for (const line of lines)
  console.log(line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '));
console.log(
  `exact: ${report.exactJobs}/${report.jobs}; problems: ${report.problems.length ? report.problems.join('; ') : 'none'}`,
);
process.exitCode = report.problems.length === 0 ? 0 : 1;
