import { Command, Option } from 'commander';
import type { JobLocationFlags } from './job-command-args';
import { integer, once, path, text } from './option-values';
import { addRunOptions, bedrockOption, type RunFlags } from './run-options';

const EXIT_STATUS = `
Exit status: 0 when the job completed; 1 when it did not (one line on stderr says why); 2 for a usage error.`;

/** Options of `resume`. */
export interface ResumeFlags {
  dataDir: string;
  out?: string;
  json?: boolean;
  bedrock?: 'emulator' | 'aws';
  maxRounds?: number;
}

/** Where a stored job is: an offline data directory or a deployed stack's table. */
function addJobLocation(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'the data directory `run` kept the job in', once(path))
    .option('--table <name>', "a deployed stack's table (its TableName output)", once(text));
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

  program
    .command('resume')
    .description('Continue a stored job from its last stored round, on the Bedrock it ran against.')
    .argument('<JOB_ID>', 'the job id `run` printed')
    .requiredOption('--data-dir <dir>', 'the data directory `run` kept the job in', once(path))
    .option('--out <file>', 'write the document to this file instead of stdout', once(path))
    .option('--max-rounds <n>', 'a higher round limit for a job that stopped at its limit', once(integer))
    .addOption(bedrockOption())
    .option('--json', 'print one JSON summary on stdout')
    .addHelpText('after', EXIT_STATUS)
    .action(async (jobId: string, flags: ResumeFlags) =>
      exit(await (await import('./commands/resume')).resumeCommand(jobId, flags)),
    );

  addJobLocation(
    program
      .command('status')
      .description("A job's status, rounds, stop reason, usage and size.")
      .argument('<JOB_ID>', 'the job id'),
  )
    .option('--json', 'print one JSON object')
    .action(async (jobId: string, flags: JobLocationFlags & { json?: boolean }) =>
      exit(await (await import('./commands/status')).statusCommand(jobId, flags)),
    );

  addJobLocation(
    program
      .command('result')
      .description("Write a job's document as stored so far.")
      .argument('<JOB_ID>', 'the job id'),
  )
    .option('--out <file>', 'write the document to this file instead of stdout', once(path))
    .action(async (jobId: string, flags: JobLocationFlags & { out?: string }) =>
      exit(await (await import('./commands/result')).resultCommand(jobId, flags)),
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
