import { type Command, InvalidArgumentError, Option } from 'commander';
import { CliUsageError } from './cli-usage-error';
import { decimal, integer, once, path, text } from './option-values';

/** The options `run` takes, besides the job input itself. */
export interface RunCommandOptions {
  /** The execution input, exactly as it would be given to the console or an SDK. */
  input: Record<string, unknown>;
  jobId?: string;
  out?: string;
  bedrock: 'emulator' | 'aws';
  dataDir?: string;
  json: boolean;
  /** The round function's timeout offline, in seconds (`--round-timeout`): rounds are time-boxed by it. */
  roundTimeoutSeconds?: number;
}

/** What commander hands `run` and `start` for the job input: the prompt, the job's fields and its id. */
export interface JobInputFlags {
  promptFile?: string;
  system?: string;
  model?: string;
  api?: string;
  continuation?: string;
  maxTokensPerRound?: number;
  maxRounds?: number;
  stopSequence?: string[];
  temperature?: number;
  jobId?: string;
}

/** What commander hands `run` for its options. */
export interface RunFlags extends JobInputFlags {
  out?: string;
  bedrock?: 'emulator' | 'aws';
  dataDir?: string;
  json?: boolean;
  roundTimeout?: number;
}

/** The flag each job input field comes from, so messages name what the user typed. */
export const FIELD_FLAGS: Record<string, string> = {
  prompt: 'PROMPT',
  system: '--system',
  modelId: '--model',
  api: '--api',
  continuation: '--continuation',
  maxTokensPerRound: '--max-tokens-per-round',
  maxRounds: '--max-rounds',
  temperature: '--temperature',
  stopSequences: '--stop-sequence',
  jobId: '--job-id',
};

/** The Bedrock a job's rounds call: `emulator` when not given. */
export function bedrockOption(): Option {
  return new Option(
    '--bedrock <target>',
    'emulator (default), or aws: real Bedrock with your AWS credentials',
  ).argParser(
    once((value) => {
      if (value !== 'emulator' && value !== 'aws')
        throw new InvalidArgumentError('it must be emulator or aws.');
      return value;
    }),
  );
}

/** Declares the job input's options (prompt file, job fields, job id), shared by `run` and `start`. */
export function addJobInputOptions(command: Command): Command {
  return command
    .option('--prompt-file <file>', 'read the prompt from a UTF-8 text file', once(path))
    .option(
      '--system <text>',
      'system prompt',
      once((value) => value),
    )
    .option(
      '--model <id>',
      'Bedrock model or inference-profile id (default: the stack default)',
      once((value) => value),
    )
    .option(
      '--api <api>',
      'converse (any text model) or invoke (Anthropic Messages body)',
      once((value) => value),
    )
    .option(
      '--continuation <mode>',
      'auto, prefill or instruction',
      once((value) => value),
    )
    .option('--max-tokens-per-round <n>', 'output tokens per round', once(integer))
    .option('--max-rounds <n>', 'rounds before the job stops (1 to 1500)', once(integer))
    .option(
      '--stop-sequence <text>',
      'end the document at this text (repeatable, up to 8)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--temperature <x>', 'sampling temperature, 0 to 1', once(decimal))
    .option('--job-id <id>', 'the job id (default: generated, printed first)', once(text));
}

/** Declares `run`'s options on its command. */
export function addRunOptions(command: Command): Command {
  return addJobInputOptions(command)
    .option('--out <file>', 'write the document to this file (atomically) instead of stdout', once(path))
    .addOption(bedrockOption())
    .option('--data-dir <dir>', 'keep jobs on disk here, so a stopped job can be resumed', once(path))
    .option(
      '--round-timeout <seconds>',
      "the round function's timeout, 1 to 900 (default 900): a round commits what the model streamed by then",
      once(roundTimeout),
    )
    .option('--json', 'print one JSON summary on stdout (with the document unless --out)');
}

/**
 * Turns `run`'s arguments into its options and execution input (see {@link toJobInput}).
 * @param readPromptFile reads `--prompt-file` (injected so this stays pure).
 */
export function toRunOptions(
  prompts: string[],
  flags: RunFlags,
  readPromptFile: (path: string) => string,
): RunCommandOptions {
  return {
    input: toJobInput('run', prompts, flags, readPromptFile),
    bedrock: flags.bedrock ?? 'emulator',
    json: flags.json ?? false,
    ...(flags.jobId !== undefined ? { jobId: flags.jobId } : {}),
    ...(flags.out !== undefined ? { out: flags.out } : {}),
    ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}),
    ...(flags.roundTimeout !== undefined ? { roundTimeoutSeconds: flags.roundTimeout } : {}),
  };
}

/**
 * Turns a command's prompt and job flags into an execution input. Only what the user gave goes into the
 * input, so the stack's defaults apply and validation happens where it does for every other client
 * (`Initialize job`).
 * @param readPromptFile reads `--prompt-file` (injected so this stays pure).
 * @throws CliUsageError when the prompt is missing or given twice.
 */
export function toJobInput(
  command: string,
  prompts: string[],
  flags: JobInputFlags,
  readPromptFile: (path: string) => string,
): Record<string, unknown> {
  if (prompts.length > 1) {
    throw new CliUsageError(
      `${command} takes one PROMPT argument; quote the prompt, or use --prompt-file FILE`,
    );
  }
  if (prompts.length === 1 && flags.promptFile) {
    throw new CliUsageError('give the prompt either as an argument or with --prompt-file, not both');
  }
  const prompt = flags.promptFile ? readPromptFile(flags.promptFile) : prompts[0];
  if (prompt === undefined)
    throw new CliUsageError(`${command} needs a PROMPT argument or --prompt-file FILE`);

  const input: Record<string, unknown> = { prompt };
  if (flags.system !== undefined) input.system = flags.system;
  if (flags.model !== undefined) input.modelId = flags.model;
  if (flags.api !== undefined) input.api = flags.api;
  if (flags.continuation !== undefined) input.continuation = flags.continuation;
  if (flags.maxTokensPerRound !== undefined) input.maxTokensPerRound = flags.maxTokensPerRound;
  if (flags.maxRounds !== undefined) input.maxRounds = flags.maxRounds;
  if (flags.temperature !== undefined) input.temperature = flags.temperature;
  if (flags.stopSequence !== undefined) input.stopSequences = flags.stopSequence;
  return input;
}

/** `--round-timeout`: whole seconds within Lambda's 1 to 900. */
function roundTimeout(text: string): number {
  const seconds = integer(text);
  if (seconds < 1 || seconds > 900)
    throw new InvalidArgumentError("it must be 1 to 900 seconds (Lambda's limit).");
  return seconds;
}

/** Field names that are also ordinary words are replaced only where quoted. */
const WORD_FIELDS = new Set(['prompt', 'system', 'api', 'continuation', 'temperature']);

/** Rewrites a message about job input fields (`maxRounds`) in terms of the flags the user typed. */
export function inFlagTerms(message: string): string {
  let worded = message;
  for (const [field, flag] of Object.entries(FIELD_FLAGS)) {
    const pattern = WORD_FIELDS.has(field) ? `"${field}"` : `"?\\b${field}\\b"?`;
    worded = worded.replace(new RegExp(pattern, 'g'), flag);
  }
  return worded;
}
