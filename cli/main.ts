import './process-setup';
import { CommanderError } from 'commander';
import { InvalidInputError } from '../functions/core/errors';
import { CliUsageError } from './cli-usage-error';
import { buildProgram } from './program';
import { inFlagTerms } from './run-options';

/** One clear line, never a stack trace: named errors carry messages written for people. */
function report(error: unknown): number {
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return 0; // `longform ... | head`
  if (error instanceof CliUsageError) {
    process.stderr.write(`longform: ${error.message}\n`);
    return 2;
  }
  if (error instanceof InvalidInputError) {
    process.stderr.write(
      `longform: ${error.name} (${inFlagTerms(error.field)}): ${inFlagTerms(error.message)}\n`,
    );
    return 1;
  }
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
  process.stderr.write(`longform: ${name}: ${message.split('\n')[0]}\n`);
  return 1;
}

/** Whatever escapes (a server's error event, a closed pipe) still ends in one line. */
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => process.exit(report(error)));
}
// A reader that went away (`| head`) is not an error of the job.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((exitCode) => {
    code = exitCode;
  });
  if (argv.length === 0) {
    // Not asked for: a usage error, so the text goes where errors go.
    process.stderr.write(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    // Commander printed its message (with a suggestion for a misspelt command or flag) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return code;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = report(error);
  },
);
