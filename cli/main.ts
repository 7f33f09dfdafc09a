import './process-setup';
import { InvalidInputError } from '../functions/core/errors';
import { CliUsageError } from './cli-usage-error';

const HELP = `Longform: generate documents longer than one model response allows.

Usage: npm run --silent longform -- <command> [options]

Commands:
  run [PROMPT]      Run a job to the end on the offline workflow; the document goes to stdout or --out.
      --prompt-file F  --system S  --model ID  --api converse|invoke
      --continuation auto|prefill|instruction  --max-tokens-per-round N  --max-rounds N
      --stop-sequence S (repeatable)  --temperature X  --out FILE  --bedrock emulator|aws
      --data-dir DIR (keep jobs on disk)  --job-id ID  --json (summary object on stdout)
  resume JOB_ID --data-dir DIR [--out FILE] [--json] [--bedrock emulator|aws]
                    Continue a stored job from its last stored round.
  status JOB_ID (--data-dir DIR | --table NAME) [--json]
                    A job's status, rounds, stop reason, usage and size (offline, or a deployed stack's table).
  result JOB_ID (--data-dir DIR | --table NAME) [--out FILE]
                    Write a job's document as stored so far.
  emulator [--port N]
                    Serve the Bedrock Runtime emulator and print its URL.
  help              Show this text.

Exit status: 0 when the job completed; 1 when it did not (one line on stderr says why); 2 for a usage error.`;

type Command = (args: string[]) => Promise<number>;

/** Each command's module loads only when it runs, so help and usage errors start in a fraction of the time. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run')).runCommand,
  resume: async () => (await import('./commands/resume')).resumeCommand,
  status: async () => (await import('./commands/status')).statusCommand,
  result: async () => (await import('./commands/result')).resultCommand,
  emulator: async () => (await import('./commands/emulator')).emulatorCommand,
};

const HELP_FLAGS = new Set(['help', '--help', '-h']);

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined) {
    // Not asked for: a usage error, so the text goes where errors go.
    process.stderr.write(`${HELP}\n`);
    return 2;
  }
  // `longform run --help` asks for help too; after `--` a "--help" is an argument.
  const endOfOptions = args.indexOf('--');
  const options = endOfOptions === -1 ? args : args.slice(0, endOfOptions);
  if (HELP_FLAGS.has(command) || options.some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const load = COMMANDS[command];
  if (!load)
    throw new CliUsageError(
      `Unknown command ${JSON.stringify(command)}. Commands: ${Object.keys(COMMANDS).join(', ')}, help`,
    );
  return (await load())(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // One clear line, never a stack trace: named errors carry messages written for people.
    if (error instanceof CliUsageError) {
      process.stderr.write(`longform: ${error.message}\n`);
      process.exitCode = 2;
    } else if (error instanceof InvalidInputError) {
      process.stderr.write(`longform: ${error.name} (${error.field}): ${error.message}\n`);
      process.exitCode = 1;
    } else if (error instanceof Error) {
      process.stderr.write(`longform: ${error.name}: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`longform: ${String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
