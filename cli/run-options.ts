import { parseArgs } from 'node:util';
import { CliUsageError } from './cli-usage-error';

/** The options `run` takes, besides the job input itself. */
export interface RunCommandOptions {
  /** The execution input, exactly as it would be given to the console or an SDK. */
  input: Record<string, unknown>;
  jobId?: string;
  out?: string;
  bedrock: 'emulator' | 'aws';
  dataDir?: string;
  json: boolean;
}

const OPTIONS = {
  'prompt-file': { type: 'string' },
  system: { type: 'string' },
  model: { type: 'string' },
  api: { type: 'string' },
  continuation: { type: 'string' },
  'max-tokens-per-round': { type: 'string' },
  'max-rounds': { type: 'string' },
  'stop-sequence': { type: 'string', multiple: true },
  temperature: { type: 'string' },
  out: { type: 'string' },
  bedrock: { type: 'string' },
  'data-dir': { type: 'string' },
  'job-id': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/**
 * Parses `run`'s arguments into an execution input. Only what the user gave goes into the input, so the
 * stack's defaults apply and validation happens where it does for every other client (`Initialize job`).
 * @param readPromptFile reads `--prompt-file` (injected so parsing stays pure).
 */
export function parseRunOptions(args: string[], readPromptFile: (path: string) => string): RunCommandOptions {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliUsageError(`${(error as Error).message}. See: longform help`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new CliUsageError('run takes one PROMPT argument; quote the prompt, or use --prompt-file FILE');
  }
  if (positionals.length === 1 && values['prompt-file']) {
    throw new CliUsageError('give the prompt either as an argument or with --prompt-file, not both');
  }
  const prompt = values['prompt-file'] ? readPromptFile(values['prompt-file']) : positionals[0];
  if (prompt === undefined) throw new CliUsageError('run needs a PROMPT argument or --prompt-file FILE');

  const input: Record<string, unknown> = { prompt };
  if (values.system !== undefined) input.system = values.system;
  if (values.model !== undefined) input.modelId = values.model;
  if (values.api !== undefined) input.api = values.api;
  if (values.continuation !== undefined) input.continuation = values.continuation;
  if (values['max-tokens-per-round'] !== undefined) {
    input.maxTokensPerRound = toNumber('--max-tokens-per-round', values['max-tokens-per-round']);
  }
  if (values['max-rounds'] !== undefined) input.maxRounds = toNumber('--max-rounds', values['max-rounds']);
  if (values.temperature !== undefined) input.temperature = toNumber('--temperature', values.temperature);
  if (values['stop-sequence'] !== undefined) input.stopSequences = values['stop-sequence'];

  const bedrock = values.bedrock ?? 'emulator';
  if (bedrock !== 'emulator' && bedrock !== 'aws') {
    throw new CliUsageError(`--bedrock must be emulator or aws (got ${JSON.stringify(bedrock)})`);
  }
  return {
    input,
    bedrock,
    json: values.json ?? false,
    ...(values['job-id'] !== undefined ? { jobId: values['job-id'] } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
  };
}

function toNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new CliUsageError(`${flag} must be a number (got ${JSON.stringify(text)})`);
  }
  return value;
}
