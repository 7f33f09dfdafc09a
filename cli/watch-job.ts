import type { LongformClient } from '../client/longform-client';
import { writeStdout } from './document-output';
import { JobEventReporter } from './job-event-reporter';
import { failureLine, outcomeStatus, readableCause } from './job-report';

/** How often a terminal's live line is redrawn between events, so its elapsed time moves. */
const TICK_MS = 1000;

/**
 * Watches a job to its end on stdout: a live line on a terminal, one plain line per event otherwise, or
 * with `json` one JSON object per event (JSON lines). Ctrl-C or SIGTERM stops watching, never the job.
 * Returns the exit code: 0 when the job completed, else 1 with one line on stderr saying why (`word` may
 * reword it, e.g. input fields as the flags that gave them).
 * @throws JobNotFoundError when neither an execution nor a job has the id.
 */
export async function watchJob(
  client: LongformClient,
  jobId: string,
  json: boolean,
  word: (line: string) => string = (line) => line,
): Promise<number> {
  const { job } = await client.status(jobId);
  const { stdout } = process;
  const sink = {
    write: (text: string) => stdout.write(text),
    isTTY: stdout.isTTY === true,
    columns: stdout.columns,
  };
  const reporter = json
    ? undefined
    : new JobEventReporter(sink, job ? Date.parse(job.createdAt) : Date.now());
  const ticker = sink.isTTY && reporter ? setInterval(() => reporter.tick(), TICK_MS) : undefined;
  const interrupt = (signal: NodeJS.Signals) => {
    reporter?.finish();
    process.stderr.write(
      `longform: ${signal}: stopped watching job ${jobId}; it goes on (longform watch ${jobId} watches it again, longform stop ${jobId} stops it)\n`,
    );
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let finished: { status: string; error?: string; cause?: string } | undefined;
  try {
    for await (const event of client.watch(jobId)) {
      if (reporter) reporter.report(event);
      else await writeStdout(`${JSON.stringify(event)}\n`);
      if (event.type === 'finished') {
        const status = outcomeStatus(event.jobStatus, event.executionStatus);
        finished = { status, error: event.error, cause: readableCause(event.cause) };
      }
    }
  } finally {
    clearInterval(ticker);
    reporter?.finish();
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
  if (finished?.status === 'COMPLETED') return 0;
  process.stderr.write(
    `${word(failureLine({ jobId, status: finished?.status ?? 'UNKNOWN', ...finished }))}\n`,
  );
  return 1;
}
