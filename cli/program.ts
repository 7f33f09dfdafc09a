import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import type { ListFlags } from './commands/list';
import type { ResultFlags } from './commands/result';
import type { ResumeFlags } from './commands/resume';
import type { StartFlags } from './commands/start';
import type { StatusFlags } from './commands/status';
import { addJobTargetOptions, type JobTargetFlags } from './job-target';
import { integer, once, path } from './option-values';
import { addJobInputOptions, addRunOptions, bedrockOption, type RunFlags } from './run-options';

const EXIT_STATUS = `
Exit status: 0 when the job completed; 1 when it did not (one line on stderr says why); 2 for a usage error.`;

/** Execution statuses `list --status` filters by, as Step Functions names them. */
const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

/** `list --status`: one of Step Functions' execution statuses. */
function executionStatus(value: string): string {
  if (!EXECUTION_STATUSES.includes(value)) {
    throw new InvalidArgumentError(`it must be one of ${EXECUTION_STATUSES.join(', ')}.`);
  }
  return value;
}

/** `list --limit`: a whole number from 1. */
function limit(value: string): number {
  const count = integer(value);
  if (count < 1) throw new InvalidArgumentError('it must be 1 or more.');
  return count;
}

/**
 * The command line: each command with its own `--help`, suggestions for misspelt commands and flags,
 * strict numbers and flags that may be given once. A command's module loads only when it runs, so help and
 * usage errors answer at once. `exit` receives the action's exit status.
 */
export function buildProgram(exit: (code: number) => void): Command {
  const program = new Command('longform')
    .description('Generate documents longer than one model response allows.')
    .usage('<command> [options]   (npx longform ..., or npm run --silent longform -- ...)')
    .addHelpText('after', EXIT_STATUS)
    .showHelpAfterError("(longform <command> --help lists a command's options)")
    .exitOverride()
    .configureOutput({
      outputError: (message, write) => write(`longform: ${message.replace(/^error: /, '')}`),
    });

  addRunOptions(
    program
      .command('run')
      .description('Run a job to the end on the offline workflow; the document goes to stdout or --out.')
      .argument('[PROMPT...]', 'the request (quote it), or use --prompt-file'),
  )
    .addHelpText('after', EXIT_STATUS)
    .action(async (prompts: string[], flags: RunFlags) =>
      exit(await (await import('./commands/run')).runCommand(prompts, flags)),
    );

  addJobTargetOptions(
    addJobInputOptions(
      program
        .command('start')
        .description('Start a job on a deployed stack (or serve) and print its job id.')
        .argument('[PROMPT...]', 'the request (quote it), or use --prompt-file'),
    ),
    false,
  )
    .option('--watch', 'then watch the job to its end (see watch)')
    .option('--json', 'print { jobId, executionArn } (and with --watch the events as JSON lines)')
    .addHelpText('after', EXIT_STATUS)
    .action(async (prompts: string[], flags: StartFlags) =>
      exit(await (await import('./commands/start')).startCommand(prompts, flags)),
    );

  addJobTargetOptions(
    program
      .command('watch')
      .description(
        'Follow a job to its end: a live line on a terminal, one line per round and retry otherwise; Ctrl-C stops watching, not the job.',
      )
      .argument('<JOB_ID>', 'the job id'),
    false,
  )
    .option('--json', 'print each event as one JSON object a line')
    .addHelpText('after', EXIT_STATUS)
    .action(async (jobId: string, flags: JobTargetFlags & { json?: boolean }) =>
      exit(await (await import('./commands/watch')).watchCommand(jobId, flags)),
    );

  addJobTargetOptions(
    program
      .command('status')
      .description("A job's status, rounds, stop reason, usage and size.")
      .argument('<JOB_ID>', 'the job id'),
    true,
  )
    .option('--json', 'print one JSON object')
    .action(async (jobId: string, flags: StatusFlags) =>
      exit(await (await import('./commands/status')).statusCommand(jobId, flags)),
    );

  addJobTargetOptions(
    program
      .command('result')
      .description("Write a job's document as stored so far.")
      .argument('<JOB_ID>', 'the job id'),
    true,
  )
    .option('--out <file>', 'write the document to this file (atomically) instead of stdout', once(path))
    .addHelpText('after', EXIT_STATUS)
    .action(async (jobId: string, flags: ResultFlags) =>
      exit(await (await import('./commands/result')).resultCommand(jobId, flags)),
    );

  addJobTargetOptions(
    program
      .command('resume')
      .description(
        'Continue a job that did not complete: on a stack, redrive its execution or start a new one; offline, from its last stored round.',
      )
      .argument('<JOB_ID>', 'the job id'),
    true,
  )
    .option('--watch', 'on a stack: then watch the job to its end')
    .option('--out <file>', 'offline: write the document to this file instead of stdout', once(path))
    .option(
      '--max-rounds <n>',
      'offline: a higher round limit for a job that stopped at its limit',
      once(integer),
    )
    .addOption(bedrockOption())
    .option('--json', 'print one JSON summary on stdout')
    .addHelpText('after', EXIT_STATUS)
    .action(async (jobId: string, flags: ResumeFlags) =>
      exit(await (await import('./commands/resume')).resumeCommand(jobId, flags)),
    );

  addJobTargetOptions(
    program
      .command('stop')
      .description('Stop a job’s execution; its stored rounds stay, so resume can continue it.')
      .argument('<JOB_ID>', 'the job id'),
    false,
  )
    .option('--json', 'print { jobId, stopped }')
    .action(async (jobId: string, flags: JobTargetFlags & { json?: boolean }) =>
      exit(await (await import('./commands/stop')).stopCommand(jobId, flags)),
    );

  addJobTargetOptions(
    program.command('list').description("A stack's jobs, newest first, with their execution status."),
    false,
  )
    .option(
      '--status <status>',
      `only jobs whose execution is ${EXECUTION_STATUSES.join(', ')}`,
      once(executionStatus),
    )
    .option('--limit <n>', 'at most this many jobs', once(limit))
    .option('--json', 'print one JSON array')
    .action(async (flags: ListFlags) => exit(await (await import('./commands/list')).listCommand(flags)));

  program
    .command('batch')
    .description('Run every line of a JSONL manifest as a job on the offline batch workflow.')
    .addArgument(new Argument('<FILE>', 'the manifest: one JSON job input per line').argParser(path))
    .option('--concurrency <n>', 'jobs at once (default 4)', once(integer))
    .option(
      '--data-dir <dir>',
      'keep the jobs here, so a second run continues what did not complete',
      once(path),
    )
    .option(
      '--out-dir <dir>',
      'write summary.json and each completed document here (default: stdout)',
      once(path),
    )
    .addHelpText(
      'after',
      '\nExit status: 0 when every line completed; 1 when one did not (its reason is in the summary); 2 for a usage error.',
    )
    .action(async (file: string, flags: import('./commands/batch').BatchFlags) =>
      exit(await (await import('./commands/batch')).batchCommand(file, flags)),
    );

  program
    .command('serve')
    .description(
      'Serve the offline workflow over the Step Functions API; the first line names the endpoints.',
    )
    .addOption(new Option('--port <n>', 'Step Functions port (default: a free one)').argParser(once(integer)))
    .option('--data-dir <dir>', 'keep jobs in this data directory (default: in memory)', once(path))
    .addOption(bedrockOption())
    .action(async (flags: import('./commands/serve').ServeFlags) =>
      exit(await (await import('./commands/serve')).serveCommand(flags)),
    );

  program
    .command('emulator')
    .description('Serve the Bedrock Runtime emulator and print its URL.')
    .addOption(new Option('--port <n>', 'port to listen on (default: a free one)').argParser(once(integer)))
    .action(async (flags: { port?: number }) =>
      exit(await (await import('./commands/emulator')).emulatorCommand(flags.port ?? 0)),
    );

  return program;
}
