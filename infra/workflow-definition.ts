import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  Choice,
  Condition,
  Errors,
  Fail,
  type IChainable,
  JsonPath,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { SERVICE_RETRY, TRANSIENT_RETRIES } from './retry-policy';
import { type StepKey, WORKFLOW_STEPS } from './workflow-steps';

/** Step Functions gives up on a task this long after its function's own timeout would have. */
const TASK_TIMEOUT_MARGIN = Duration.seconds(15);

/** A function with the timeout it was created with (`lambda.Function` exposes it). */
type TimedFunction = IFunction & { readonly timeout?: Duration };

/**
 * One Lambda step, named as {@link WORKFLOW_STEPS} names it. Its output is the handler's result alone
 * (`payloadResponseOnly`), so only the small JSON the handler returns flows on. CDK's built-in
 * service-error retry is switched off so the retry policy of `./retry-policy` is the only one.
 */
function lambdaStep(scope: Construct, key: StepKey, fn: TimedFunction, payload: Record<string, unknown>) {
  const timeout = fn.timeout ?? Duration.seconds(3);
  return new LambdaInvoke(scope, WORKFLOW_STEPS[key].stateName, {
    lambdaFunction: fn,
    payload: TaskInput.fromObject(payload),
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    taskTimeout: Timeout.duration(timeout.plus(TASK_TIMEOUT_MARGIN)),
  });
}

/** Applies the one retry policy (./retry-policy) to a workflow step. */
function withTransientRetries(task: LambdaInvoke): LambdaInvoke {
  for (const retry of TRANSIENT_RETRIES) task.addRetry(retry);
  return task;
}

/**
 * The Longform workflow (docs/architecture.md), JSONPath only so the same definition runs offline:
 * `Initialize job` → `Generate next part` (again while the model stopped at the token limit) →
 * `Finalize job` → `Document ready`, or `Job ended early` when the job stopped for another reason
 * (context full, blocked, round limit). An error of `Initialize job` or `Finalize job` left after
 * retries goes to `Record failure` → `Job failed`, both carrying the error's name and message; an error
 * of `Generate next part` fails the execution on that step, where a redrive resumes it.
 */
export function workflowDefinition(scope: Construct, functions: Record<StepKey, TimedFunction>): IChainable {
  const jobId = JsonPath.stringAt('$$.Execution.Name');
  // How many times this execution was redriven (0 before any redrive): the context object's field, see
  // docs/architecture.md, the failed-execution recorder.
  const redriveCount = JsonPath.numberAt('$$.Execution.RedriveCount');

  // The execution input from the context object rather than `$`: the interpreter cannot select `$` from a
  // `null` input, and the handler must see any input to refuse it with InvalidInputError.
  const initialize = withTransientRetries(
    lambdaStep(scope, 'initialize', functions.initialize, { jobId, input: JsonPath.executionInput }),
  );
  // No Catch here on purpose: an error left after retries fails the execution on this very step, so a
  // Step Functions redrive re-runs it and the job continues from its stored rounds. (A Catch would end
  // in a Fail state, and a redrive restarts at the failed state.) The round handler records the failure
  // on the job itself.
  // A redrive restarts at the failed round, so the round is where a redrive claims the job: with the
  // execution's name and redrive count, the late end of the stopped run leaves the redriven one alone.
  const generate = withTransientRetries(
    lambdaStep(scope, 'generateRound', functions.generateRound, {
      jobId: JsonPath.stringAt('$.jobId'),
      round: JsonPath.numberAt('$.nextRound'),
      executionName: jobId,
      redriveCount,
    }),
  );
  const isFinished = new Choice(scope, 'Is the document finished?', {
    comment:
      'The model stopped at the output-token limit: ask for the next part. Anything else ends the job.',
  });
  const finalize = withTransientRetries(
    lambdaStep(scope, 'finalize', functions.finalize, { jobId: JsonPath.stringAt('$.jobId') }),
  );
  const didComplete = new Choice(scope, 'Did the job complete?', {
    comment: 'COMPLETED means the model ended the document itself.',
  });
  const documentReady = new Succeed(scope, 'Document ready');
  const endedEarly = new Fail(scope, 'Job ended early', {
    comment: 'The job stopped before the model finished: context full, blocked, or the round limit.',
    errorPath: '$.error',
    causePath: '$.cause',
  });

  // The input tells a resumed job's execution (another name, input `{ "jobId" }`) which job it ran.
  const recordFailure = lambdaStep(scope, 'recordFailure', functions.recordFailure, {
    jobId,
    failure: JsonPath.objectAt('$'),
    input: JsonPath.executionInput,
    redriveCount,
  }).addRetry(SERVICE_RETRY);
  const jobFailed = new Fail(scope, 'Job failed', {
    comment: 'An error that retries could not fix; the job is marked FAILED.',
    errorPath: '$.error',
    causePath: '$.cause',
  });
  // No ResultPath: the error output replaces the state. The execution input may not be an object (a JSON
  // string or array), and a ResultPath inside it would itself fail with States.ResultPathMatchFailure.
  // (An explicit "$" means the same on AWS, but aws-local-stepfunctions reads it as a key named "$".)
  for (const step of [initialize, finalize]) step.addCatch(recordFailure, { errors: [Errors.ALL] });

  recordFailure.next(jobFailed);
  finalize.next(
    didComplete.when(Condition.stringEquals('$.status', 'COMPLETED'), documentReady).otherwise(endedEarly),
  );
  return initialize
    .next(generate)
    .next(isFinished.when(Condition.stringEquals('$.next', 'continue'), generate).otherwise(finalize));
}
