/** The command line was wrong: the message says what and how to fix it. Exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}
