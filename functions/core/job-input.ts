import { z } from 'zod';
import { InvalidInputError } from './errors';
import type { ChatTurn, JobConfig, JobDefaults } from './job-config';
import { validateJobId } from './job-reference';
import { MODEL_ID_OR_ARN } from './model-id';
import { isAnthropicModel, maxOutputTokensFor, samplingRuleFor } from './model-limits';
import { utf8Length } from './utf8';

/**
 * Upper bound of `maxRounds`. A Standard execution's history holds 25,000 events. A round costs 7
 * (the task's entered, scheduled, started, succeeded and exited events, and the choice's two) and each
 * retry 3 more (failed, scheduled, started). 1,500 rounds take 10,500 events, which leaves room for
 * 4,500 retries: about 3 per round, more than a 60 % throttling storm needs (1.5 on average).
 */
export const MAX_ROUNDS_LIMIT = 1500;

/** Most stop sequences a job may give (what Bedrock's Converse accepts for the common text models). */
export const MAX_STOP_SEQUENCES = 8;

/**
 * Most UTF-8 bytes of prompt, system and messages together: 4 MiB. The text is stored in part items
 * next to META (docs/architecture.md, "Storage", Decision 7), and rounds read it from the table, so
 * neither DynamoDB's item limit nor Lambda's payload limit bounds it. What does is the model: at about
 * 4 bytes a token, 4 MiB is the largest context window of the catalogue (1,000,000 tokens), so a longer
 * input could not be sent in any round; a shorter one that still fills the window ends CONTEXT_FULL.
 */
export const MAX_INPUT_TEXT_BYTES = 4 * 1024 * 1024;

/** Most turns in `messages`. */
export const MAX_MESSAGES = 1000;

/** Output bound applied to models whose limit is not known. */
const GENERIC_MAX_OUTPUT_TOKENS = 128_000;

const nonBlankText = z.string().refine((text) => text.trim() !== '');
const turnSchema = z.strictObject({ role: z.enum(['user', 'assistant']), text: nonBlankText });
const unitInterval = z.number().min(0).max(1);

const inputSchema = z.strictObject({
  // The job id a batch manifest line names; the execution runs under it, so it must be that name.
  jobId: z.unknown().optional(),
  prompt: nonBlankText.optional(),
  messages: z.array(turnSchema).min(1).max(MAX_MESSAGES).optional(),
  system: nonBlankText.optional(),
  modelId: z.string().regex(MODEL_ID_OR_ARN).optional(),
  api: z.enum(['converse', 'invoke']).optional(),
  // Its range depends on the model, so it is checked after the model id is known.
  maxTokensPerRound: z.unknown().optional(),
  maxRounds: z.int().min(1).max(MAX_ROUNDS_LIMIT).optional(),
  continuation: z.enum(['auto', 'prefill', 'instruction']).optional(),
  temperature: unitInterval.optional(),
  topP: unitInterval.optional(),
  topK: z.int().min(1).optional(),
  stopSequences: z.array(z.string().min(1)).max(MAX_STOP_SEQUENCES).optional(),
  promptCaching: z.boolean().optional(),
});

type ParsedInput = z.infer<typeof inputSchema>;

/** What each field must be, by path with indices replaced by `[]`; used to word every error alike. */
const EXPECTATIONS: Record<string, string> = {
  prompt: 'a non-empty string',
  messages: `a non-empty array of at most ${MAX_MESSAGES} {"role", "text"} turns`,
  'messages[]': 'an object {"role": "user" | "assistant", "text": string}',
  'messages[].role': '"user" or "assistant"',
  'messages[].text': 'a non-empty string (not only white space)',
  system: 'a non-empty string (or left out)',
  modelId: 'a Bedrock model or inference-profile id (letters, digits, ".", "_", ":", "-") or its ARN',
  api: '"converse" or "invoke"',
  maxRounds: `an integer from 1 to ${MAX_ROUNDS_LIMIT}`,
  continuation: '"auto", "prefill" or "instruction"',
  temperature: 'a number from 0 to 1',
  topP: 'a number from 0 to 1',
  topK: 'an integer of at least 1',
  stopSequences: `an array of at most ${MAX_STOP_SEQUENCES} non-empty strings`,
  'stopSequences[]': 'a non-empty string',
  promptCaching: 'true or false',
};

const ALLOWED_FIELDS = Object.keys(inputSchema.shape);

/**
 * Validates an execution input (docs/architecture.md, "Execution input") and applies the stack defaults.
 * `{ prompt }` becomes a single user turn; sampling fields stay absent unless given. A `jobId` (a batch
 * manifest line's, which names the execution) must be `executionName` when that is given; it is not
 * part of the job's config, so the same input with or without it is the same job.
 * @throws InvalidInputError naming the first field at fault and how to fix it.
 */
export function parseJobInput(raw: unknown, defaults: JobDefaults, executionName?: string): JobConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidInputError(
      'input',
      `The execution input must be a JSON object such as {"prompt": "Write ..."} (got ${describeValue(raw)})`,
    );
  }
  const parsed = inputSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw toInvalidInput(parsed.error.issues[0]);
  }
  const input = parsed.data;
  if (input.jobId !== undefined) checkJobId(validateJobId(input.jobId), executionName);
  const messages = conversationOf(input);
  const modelId = input.modelId ?? defaults.modelId;
  checkModelAllowed(modelId, defaults.allowedModelIds);
  const api = input.api ?? 'converse';
  if (api === 'invoke' && !isAnthropicModel(modelId)) {
    throw new InvalidInputError(
      'api',
      `api "invoke" sends the Anthropic Messages body, which only Anthropic models accept; use "api": "converse" for ${modelId}`,
    );
  }
  checkTextSize(messages, input.system);

  const config: JobConfig = {
    messages,
    modelId,
    api,
    maxTokensPerRound: maxTokensOf(input.maxTokensPerRound, modelId, defaults),
    maxRounds: input.maxRounds ?? defaults.maxRounds,
    continuation: input.continuation ?? 'auto',
    stopSequences: input.stopSequences ?? [],
  };
  checkSampling(input, modelId);
  if (input.system !== undefined) config.system = input.system;
  if (input.temperature !== undefined) config.temperature = input.temperature;
  if (input.topP !== undefined) config.topP = input.topP;
  if (input.topK !== undefined) config.topK = input.topK;
  if (input.promptCaching === false) config.promptCaching = false;
  return config;
}

/**
 * Refuses sampling fields the model would refuse at round 1 (after the job was created): better named
 * here, with the field, than as a Bedrock validation error later.
 */
function checkSampling(input: ParsedInput, modelId: string): void {
  if (input.topK !== undefined && !isAnthropicModel(modelId)) {
    throw new InvalidInputError('topK', `topK is sent only to Anthropic models; remove it for ${modelId}`);
  }
  const rule = samplingRuleFor(modelId);
  if (rule === 'none') {
    const given = (['temperature', 'topP', 'topK'] as const).find((field) => input[field] !== undefined);
    if (given) {
      throw new InvalidInputError(
        given,
        `${modelId} accepts no sampling fields (Bedrock: "temperature is deprecated for this model"); remove "${given}"`,
      );
    }
  }
  if (rule === 'temperature-or-top-p' && input.temperature !== undefined && input.topP !== undefined) {
    throw new InvalidInputError(
      'topP',
      `${modelId} takes "temperature" or "topP", not both (Bedrock: "\`temperature\` and \`top_p\` cannot both be specified for this model"); remove one of them`,
    );
  }
}

function checkJobId(jobId: string, executionName: string | undefined): void {
  if (executionName !== undefined && jobId !== executionName) {
    throw new InvalidInputError(
      'jobId',
      `jobId "${jobId}" differs from the execution name "${executionName}", which is the job id: remove jobId or start the execution under that name`,
    );
  }
}

function conversationOf(input: ParsedInput): ChatTurn[] {
  if (input.prompt !== undefined && input.messages !== undefined) {
    throw new InvalidInputError('prompt', 'Give either "prompt" or "messages", not both: remove one of them');
  }
  if (input.prompt !== undefined) return [{ role: 'user', text: input.prompt }];
  if (input.messages === undefined) {
    throw new InvalidInputError(
      'prompt',
      'prompt is required: give "prompt" (a string) or "messages" (user/assistant turns ending with a user turn)',
    );
  }
  input.messages.forEach((turn, index) => {
    const expected = index % 2 === 0 ? 'user' : 'assistant';
    if (turn.role !== expected) {
      throw new InvalidInputError(
        `messages[${index}].role`,
        `messages[${index}].role must be "${expected}": turns alternate, starting and ending with a user turn (got "${turn.role}")`,
      );
    }
  });
  const last = input.messages.length - 1;
  if (input.messages[last]?.role !== 'user') {
    throw new InvalidInputError(
      `messages[${last}].role`,
      `messages must end with a user turn: add a user turn after messages[${last}] or remove that assistant turn`,
    );
  }
  return input.messages.map(({ role, text }) => ({ role, text }));
}

function checkModelAllowed(modelId: string, allowed: readonly string[]): void {
  if (allowed.length > 0 && !allowed.includes(modelId)) {
    throw new InvalidInputError(
      'modelId',
      `modelId "${modelId}" is not enabled for this stack; use one of: ${allowed.join(', ')}`,
    );
  }
}

function maxTokensOf(value: unknown, modelId: string, defaults: JobDefaults): number {
  const known = maxOutputTokensFor(modelId);
  const modelLimit = known ?? GENERIC_MAX_OUTPUT_TOKENS;
  const stackLimit = defaults.maxTokensPerRoundLimit ?? Number.POSITIVE_INFINITY;
  const limit = Math.min(modelLimit, stackLimit);
  // The stack default is a general one; it must not push a job over the limit of the model it names.
  if (value === undefined) return Math.min(defaults.maxTokensPerRound, limit);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > limit) {
    const why =
      stackLimit < modelLimit
        ? ' (this stack caps a round there so it finishes within one 15-minute Lambda invocation)'
        : known === undefined
          ? ''
          : ` for ${modelId}`;
    throw new InvalidInputError(
      'maxTokensPerRound',
      `maxTokensPerRound must be an integer from 1 to ${limit}${why} (got ${describeValue(value)})`,
    );
  }
  return value;
}

function checkTextSize(messages: readonly ChatTurn[], system: string | undefined): void {
  const bytes = messages.reduce((sum, turn) => sum + utf8Length(turn.text), utf8Length(system ?? ''));
  if (bytes > MAX_INPUT_TEXT_BYTES) {
    throw new InvalidInputError(
      messages.length === 1 ? 'prompt' : 'messages',
      `prompt, system and messages together must be at most ${MAX_INPUT_TEXT_BYTES} UTF-8 bytes (got ${bytes}); shorten them`,
    );
  }
}

function toInvalidInput(issue: z.core.$ZodIssue | undefined): InvalidInputError {
  if (!issue) return new InvalidInputError('input', 'The execution input is invalid');
  const field = fieldOf(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const where = field === '' ? 'the input' : field;
    const allowed = field === '' ? ALLOWED_FIELDS.join(', ') : 'role, text';
    const first = issue.keys[0] ?? '';
    const fieldName = field === '' ? first : `${field}.${first}`;
    return new InvalidInputError(
      fieldName,
      `Unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')} in ${where}: remove ${issue.keys.length > 1 ? 'them' : 'it'} (allowed: ${allowed})`,
    );
  }
  const expectation = EXPECTATIONS[patternOf(issue.path)] ?? 'valid';
  return new InvalidInputError(field, `${field} must be ${expectation} (got ${describeValue(issue.input)})`);
}

function fieldOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (field, key) =>
      typeof key === 'number' ? `${field}[${key}]` : field === '' ? String(key) : `${field}.${String(key)}`,
    '',
  );
}

function patternOf(path: readonly PropertyKey[]): string {
  return fieldOf(path.map((key) => (typeof key === 'number' ? 0 : key))).replaceAll('[0]', '[]');
}

/** A short description of a value for an error message (input text is never echoed in full). */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null || typeof value !== 'object') return String(value);
  return 'an object';
}
