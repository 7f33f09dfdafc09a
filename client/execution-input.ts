import type { JobStore } from '../functions/adapters/job-store';
import { InvalidInputError } from '../functions/core/errors';
import { MAX_EXECUTION_INPUT_BYTES } from '../functions/core/execution-limits';
import type { JobDefaults } from '../functions/core/job-config';
import { storeNewJob } from '../functions/workflow/store-new-job';

/** Inputs above this are stored first: Step Functions' limit (`MAX_EXECUTION_INPUT_BYTES`) less a margin. */
export const MAX_INLINE_INPUT_BYTES = MAX_EXECUTION_INPUT_BYTES - 6 * 1024;

/** The fields the stack's defaults fill in, which a client storing a job must know. */
const DEFAULTED_FIELDS = ['modelId', 'maxTokensPerRound', 'maxRounds'] as const;

/**
 * The defaults a client stores a job with. The stack's defaults live in its functions' environment,
 * which a client cannot read with the Step Functions and DynamoDB APIs alone, so they are the client's
 * `jobDefaults` option when given; otherwise the input must name every field they fill in, and only
 * bounds that do not depend on the stack apply. Either way `Initialize job` validates the stored job
 * again against the stack's own bounds (allowed models, round-size limit) before it runs.
 * @throws InvalidInputError naming the first defaulted field the input leaves out.
 */
export function storedJobDefaults(
  input: Record<string, unknown>,
  given: JobDefaults | undefined,
): JobDefaults {
  if (given) return given;
  for (const field of DEFAULTED_FIELDS) {
    if (input[field] === undefined) {
      throw new InvalidInputError(
        field,
        `An input over 256 KiB is stored by the client, which does not know the stack's defaults: give ${DEFAULTED_FIELDS.join(', ')} (or the client's jobDefaults option)`,
      );
    }
  }
  // Placeholders only: every field they default is given.
  return { modelId: '', maxTokensPerRound: 1, maxRounds: 1, allowedModelIds: [] };
}

/**
 * The input to start a job's execution with (docs/architecture.md, Execution input): the job input itself
 * when it fits the execution input limit; otherwise the job is validated and stored first (status
 * PENDING) and the execution starts with `{ "jobId": ... }`. Invalid input, or a job id already taken
 * by another input, throws `InvalidInputError` before anything is written.
 */
export async function prepareExecutionInput(
  store: JobStore,
  defaults: JobDefaults | undefined,
  jobId: string,
  input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  if (Buffer.byteLength(JSON.stringify(input), 'utf8') <= MAX_INLINE_INPUT_BYTES) return input;
  await storeNewJob(store, storedJobDefaults(input, defaults), jobId, input, 'PENDING');
  return { jobId };
}
