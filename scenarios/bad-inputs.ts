import { MAX_INPUT_TEXT_BYTES, MAX_ROUNDS_LIMIT, MAX_STOP_SEQUENCES } from '../functions/core/job-input';
import { runExecution, withOfflineRuntime } from './offline-jobs';
import { ScenarioRecorder, type ScenarioReport } from './scenario-report';
import { storedItemCount } from './shared-store';

/** One bad execution input and what its refusal must name. */
export interface BadExecutionInput {
  name: string;
  input: unknown;
  /** The field (or limit) the error's message must name. */
  names: string;
  /** The stack's model allow-list this case runs under (deployed stacks set one; offline allows any). */
  allowedModelIds?: string[];
}

const PROMPT = 'A short story about a lighthouse';
const OVERSIZED_PROMPT = 'x'.repeat(MAX_INPUT_TEXT_BYTES + 1);
const TOO_MANY_STOP_SEQUENCES = Array.from({ length: MAX_STOP_SEQUENCES + 1 }, (_, i) => `<END${i}>`);

/** Bad execution inputs, each refused at `Initialize job` with `InvalidInputError` before anything is written. */
export const BAD_EXECUTION_INPUTS: readonly BadExecutionInput[] = [
  { name: 'missing prompt', input: { maxRounds: 3 }, names: 'prompt' },
  { name: 'empty prompt', input: { prompt: '' }, names: 'prompt' },
  { name: 'white-space prompt', input: { prompt: ' \n\t ' }, names: 'prompt' },
  { name: 'prompt of the wrong type', input: { prompt: 42 }, names: 'prompt' },
  {
    name: 'prompt and messages both',
    input: { prompt: PROMPT, messages: [{ role: 'user', text: PROMPT }] },
    names: 'prompt',
  },
  {
    name: 'messages ending with assistant',
    input: {
      messages: [
        { role: 'user', text: 'a' },
        { role: 'assistant', text: 'b' },
      ],
    },
    names: 'messages[1]',
  },
  {
    name: 'messages starting with assistant',
    input: { messages: [{ role: 'assistant', text: 'a' }] },
    names: 'messages[0].role',
  },
  {
    name: 'empty message text',
    input: { messages: [{ role: 'user', text: '' }] },
    names: 'messages[0].text',
  },
  { name: 'unknown field', input: { prompt: PROMPT, maxTokens: 100 }, names: 'maxTokens' },
  {
    name: 'maxTokensPerRound zero',
    input: { prompt: PROMPT, maxTokensPerRound: 0 },
    names: 'maxTokensPerRound',
  },
  {
    name: 'maxTokensPerRound over the model limit',
    input: { prompt: PROMPT, modelId: 'anthropic.claude-3-haiku-20240307-v1:0', maxTokensPerRound: 5000 },
    names: '4096',
  },
  {
    name: 'maxTokensPerRound as a string',
    input: { prompt: PROMPT, maxTokensPerRound: '100' },
    names: 'maxTokensPerRound',
  },
  { name: 'maxRounds zero', input: { prompt: PROMPT, maxRounds: 0 }, names: 'maxRounds' },
  {
    name: 'maxRounds over the history bound',
    input: { prompt: PROMPT, maxRounds: MAX_ROUNDS_LIMIT + 1 },
    names: String(MAX_ROUNDS_LIMIT),
  },
  { name: 'maxRounds fractional', input: { prompt: PROMPT, maxRounds: 2.5 }, names: 'maxRounds' },
  { name: 'temperature out of range', input: { prompt: PROMPT, temperature: 1.5 }, names: 'temperature' },
  {
    name: 'temperature of the wrong type',
    input: { prompt: PROMPT, temperature: 'hot' },
    names: 'temperature',
  },
  { name: 'topK zero', input: { prompt: PROMPT, topK: 0 }, names: 'topK' },
  { name: 'unknown api', input: { prompt: PROMPT, api: 'stream' }, names: 'api' },
  {
    name: 'invoke with a non-Anthropic model',
    input: { prompt: PROMPT, api: 'invoke', modelId: 'amazon.nova-pro-v1:0' },
    names: 'api',
  },
  { name: 'invalid continuation', input: { prompt: PROMPT, continuation: 'append' }, names: 'continuation' },
  {
    name: 'stop sequence list too long',
    input: { prompt: PROMPT, stopSequences: TOO_MANY_STOP_SEQUENCES },
    names: 'stopSequences',
  },
  { name: 'empty stop sequence', input: { prompt: PROMPT, stopSequences: [''] }, names: 'stopSequences[0]' },
  { name: 'empty system prompt', input: { prompt: PROMPT, system: '' }, names: 'system' },
  { name: 'empty model id', input: { prompt: PROMPT, modelId: '' }, names: 'modelId' },
  {
    name: 'unknown model (stack allow-list)',
    input: { prompt: PROMPT, modelId: 'anthropic.claude-nonexistent-v9:0' },
    names: 'modelId',
    allowedModelIds: ['us.anthropic.claude-haiku-4-5-20251001-v1:0'],
  },
  { name: 'oversized prompt', input: { prompt: OVERSIZED_PROMPT }, names: String(MAX_INPUT_TEXT_BYTES) },
  { name: 'invalid job id reference', input: { jobId: 'two words' }, names: 'jobId' },
];

/**
 * Execution inputs that are JSON but not an object. Step Functions accepts them; `Initialize job` reads
 * them from the context object and refuses them, and its Catch has no `ResultPath` (which a non-object
 * input would fail with `States.ResultPathMatchFailure`), so they end with `InvalidInputError` too.
 */
export const NON_OBJECT_EXECUTION_INPUTS: readonly BadExecutionInput[] = [
  {
    name: 'a JSON string (e.g. unparsed JSON text)',
    input: '{"prompt": "unterminated',
    names: 'JSON object',
  },
  { name: 'a JSON array', input: [PROMPT], names: 'JSON object' },
  { name: 'JSON null', input: null, names: 'JSON object' },
];

/**
 * Starts an execution of the real definition with each bad input, on a runtime configured with the
 * case's model allow-list: each must fail with `InvalidInputError` whose cause names the field or limit,
 * and leave nothing in the table under its job id.
 */
export async function runBadExecutionInputs(
  scenario: string,
  cases: readonly BadExecutionInput[],
): Promise<ScenarioReport> {
  const recorder = new ScenarioRecorder(scenario);
  const allowListOf = (badInput: BadExecutionInput) => (badInput.allowedModelIds ?? []).join(',');
  for (const allowList of new Set(cases.map(allowListOf))) {
    const allowedModelIds = allowList === '' ? [] : allowList.split(',');
    await withOfflineRuntime({ allowedModelIds }, async (runtime) => {
      for (const [index, badInput] of cases.entries()) {
        if (allowListOf(badInput) !== allowList) continue;
        const jobId = `bad-input-${index}`;
        const { outcome } = await runExecution(runtime, jobId, badInput.input);
        const items = await storedItemCount(runtime, jobId);
        recorder.badInput(
          badInput.name,
          outcome.error !== 'InvalidInputError'
            ? `ended ${outcome.status} ${outcome.error ?? ''}`
            : !outcome.cause?.includes(badInput.names)
              ? `the message does not name ${badInput.names}: ${outcome.cause}`
              : items > 0
                ? `${items} items written`
                : undefined,
        );
      }
    });
  }
  return recorder.finish();
}
