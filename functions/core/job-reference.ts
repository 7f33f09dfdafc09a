import { isDeepStrictEqual } from 'node:util';
import { InvalidInputError } from './errors';
import type { JobConfig } from './job-config';

/** Characters Step Functions refuses in an execution name, which is also the job id. */
const FORBIDDEN_JOB_ID_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

/** Control characters (C0, DEL and C1), which Step Functions also refuses. */
const hasControlCharacter = (text: string): boolean =>
  [...text].some((character) => {
    const code = character.charCodeAt(0);
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });

/** Longest execution name Step Functions accepts. */
export const MAX_JOB_ID_LENGTH = 80;

/** Whether Step Functions takes `name` as an execution name: 1 to 80 characters, none it refuses. */
export function isExecutionName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= MAX_JOB_ID_LENGTH &&
    !FORBIDDEN_JOB_ID_CHARACTERS.test(name) &&
    !hasControlCharacter(name)
  );
}

/**
 * Checks a job id against Step Functions' execution-name rules (it becomes one) and returns it.
 * @throws InvalidInputError naming `jobId`.
 */
export function validateJobId(jobId: unknown): string {
  if (typeof jobId !== 'string' || jobId.length === 0 || jobId.length > MAX_JOB_ID_LENGTH) {
    throw new InvalidInputError('jobId', `jobId must be a string of 1 to ${MAX_JOB_ID_LENGTH} characters`);
  }
  if (!isExecutionName(jobId)) {
    throw new InvalidInputError(
      'jobId',
      'jobId may not contain spaces, control characters or any of < > { } [ ] ? * " # % \\ ^ | ~ ` $ & , ; : /',
    );
  }
  return jobId;
}

/**
 * Recognizes the execution input `{ "jobId": "..." }` that continues a stored job (stored by a client, or
 * being resumed). Returns `undefined` for any other input, which then goes through full validation.
 */
export function parseJobReference(input: unknown): { jobId: string } | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const keys = Object.keys(input);
  if (keys.length !== 1 || keys[0] !== 'jobId') return undefined;
  return { jobId: validateJobId((input as { jobId: unknown }).jobId) };
}

/**
 * The job an execution ran: the one its input refers to (`{ "jobId" }`: a client-stored or resumed job,
 * whose execution may have another name), else the one named by the execution. The input may come as
 * JSON text, as the Step Functions status-change event carries it; one that cannot be read, or whose
 * job id is invalid, names no other job.
 */
export function jobIdOfExecution(executionName: string, input: unknown): string {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      return executionName;
    }
  }
  try {
    return parseJobReference(value)?.jobId ?? executionName;
  } catch {
    return executionName;
  }
}

/**
 * Starting a job id that is taken is idempotent only with the same input: the same job again. Any
 * other input under that id is refused, so a job never silently continues with someone else's prompt.
 * @throws InvalidInputError naming `jobId`.
 */
export function assertSameJob(jobId: string, existing: JobConfig | undefined, requested: JobConfig): void {
  if (existing === undefined || !isDeepStrictEqual(existing, requested)) throw jobIdTakenError(jobId);
}

/** The refusal of an input under a job id that another input has taken. */
export function jobIdTakenError(jobId: string): InvalidInputError {
  return new InvalidInputError(
    'jobId',
    `Job ${jobId} already exists with a different input; start the new job under another job id`,
  );
}
