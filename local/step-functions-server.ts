import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import type { ExecutionEvent, OfflineRuntime } from './offline-runtime';

/** The ARNs the offline runtime gives its one state machine and its executions (region `local`). */
const ARN_PREFIX = 'arn:aws:states:local:000000000000';
const STATE_MACHINE_NAME = 'longform';
/** The state machine `serve` runs: the stack's, synthesized for the offline runtime. */
export const LOCAL_STATE_MACHINE_ARN = `${ARN_PREFIX}:stateMachine:${STATE_MACHINE_NAME}`;
const EXECUTION_ARN_PREFIX = `${ARN_PREFIX}:execution:${STATE_MACHINE_NAME}:`;
/** Step Functions' limit on execution input, in UTF-8 bytes (the API reference's length constraint). */
const MAX_INPUT_BYTES = 262_144;
/** Letters the service refuses in execution names (whitespace, brackets, wildcards, specials, controls). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
const INVALID_NAME_CHARACTER = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

interface ServedExecution {
  name: string;
  arn: string;
  input: string;
  startDate: number;
  status: ExecutionStatus;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  events: ExecutionEvent[];
  abort(): void;
}

/** A request the service refuses: its `__type`, message and HTTP status, as Step Functions sends them. */
class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** A running Step Functions endpoint; {@link close} stops it and aborts the executions still running. */
export interface StepFunctionsServer {
  /** e.g. `http://127.0.0.1:45678`, for `AWS_ENDPOINT_URL_SFN` or a client's `endpoint`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the offline runtime's state machine over the Step Functions API (the awsJson1_0 protocol of
 * `@aws-sdk/client-sfn` and the AWS CLI) on loopback: POST `/` with `X-Amz-Target:
 * AWSStepFunctions.<Operation>`. Executions are named by their job id and held in memory; the jobs
 * themselves are in the runtime's table.
 */
export async function startStepFunctionsServer(
  runtime: OfflineRuntime,
  options: { port?: number } = {},
): Promise<StepFunctionsServer> {
  const executions = new Map<string, ServedExecution>();
  let starts: Promise<unknown> = Promise.resolve();
  const created = Date.now() / 1000;
  const operations: Record<string, (request: Record<string, unknown>) => Promise<unknown> | unknown> = {
    // One at a time: two starts of one name must not both find it free while the job is looked up.
    StartExecution: (request) => {
      const started = starts.then(() => startExecution(runtime, executions, request));
      starts = started.catch(() => undefined);
      return started;
    },
    DescribeExecution: (request) => describeExecution(find(executions, request.executionArn)),
    ListExecutions: (request) => listExecutions(executions, request),
    StopExecution: (request) => stopExecution(find(executions, request.executionArn), request),
    GetExecutionHistory: (request) => executionHistory(find(executions, request.executionArn), request),
    ListStateMachines: () => ({
      stateMachines: [
        {
          stateMachineArn: LOCAL_STATE_MACHINE_ARN,
          name: STATE_MACHINE_NAME,
          type: 'STANDARD',
          creationDate: created,
        },
      ],
    }),
  };
  const server = createServer((request, response) => {
    void handle(operations, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const execution of executions.values()) if (execution.status === 'RUNNING') execution.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The endpoints of what `serve` serves: Step Functions, the runtime's DynamoDB and its Bedrock (a URL). */
export interface ServedEndpoints {
  sfn: string;
  dynamodb: string;
  /** Absent when rounds call real Bedrock through the SDK's own endpoint. */
  bedrock?: string;
}

/** Reads the local DynamoDB's endpoint off a client of it, since the runtime keeps its server to itself. */
export async function servedEndpoints(
  runtime: OfflineRuntime,
  server: StepFunctionsServer,
): Promise<ServedEndpoints> {
  const table = runtime.createTableClient();
  const dynamo = await table.config.endpoint?.();
  table.destroy();
  const bedrock =
    runtime.emulator?.url ?? (runtime.bedrockTarget === 'aws' ? undefined : runtime.bedrockTarget);
  return {
    sfn: server.url,
    dynamodb: dynamo ? `${dynamo.protocol}//${dynamo.hostname}:${dynamo.port}` : '',
    ...(bedrock ? { bedrock } : {}),
  };
}

async function handle(
  operations: Record<string, (request: Record<string, unknown>) => Promise<unknown> | unknown>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const send = (status: number, body: unknown) => {
    response.writeHead(status, {
      'Content-Type': 'application/x-amz-json-1.0',
      'x-amzn-RequestId': randomUUID(),
    });
    response.end(JSON.stringify(body));
  };
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AWSStepFunctions.')
      ? operations[target.slice('AWSStepFunctions.'.length)]
      : undefined;
    if (request.method !== 'POST' || !operation) {
      throw new ServiceError('UnknownOperationException', `unknown operation ${target || '(none)'}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      throw new ServiceError('SerializationException', 'the request body is not JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ServiceError('SerializationException', 'the request body is not a JSON object');
    }
    send(200, await operation(body as Record<string, unknown>));
  } catch (error) {
    if (error instanceof ServiceError) send(error.status, { __type: error.type, message: error.message });
    else {
      const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
      send(500, { __type: 'InternalFailure', message: `${name}: ${message}` });
    }
  }
}

async function startExecution(
  runtime: OfflineRuntime,
  executions: Map<string, ServedExecution>,
  request: Record<string, unknown>,
): Promise<unknown> {
  if (typeof request.stateMachineArn !== 'string') {
    throw new ServiceError(
      'ValidationException',
      "1 validation error detected: 'stateMachineArn' is required",
    );
  }
  if (request.stateMachineArn !== LOCAL_STATE_MACHINE_ARN) {
    throw new ServiceError(
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${request.stateMachineArn}'`,
    );
  }
  const name = request.name === undefined ? randomUUID() : request.name;
  if (typeof name !== 'string' || name.length < 1 || name.length > 80 || INVALID_NAME_CHARACTER.test(name)) {
    throw new ServiceError('InvalidName', `Invalid Name: '${String(name)}'`);
  }
  const input = request.input === undefined ? '{}' : request.input;
  if (typeof input !== 'string' || Buffer.byteLength(input, 'utf8') > MAX_INPUT_BYTES) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_INPUT_BYTES}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    throw new ServiceError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: '${input.slice(0, 80)}'`,
    );
  }
  const arn = `${EXECUTION_ARN_PREFIX}${name}`;
  const existing = executions.get(arn);
  if (existing) {
    // As for a STANDARD workflow: the same name and input while it runs is the same execution.
    if (existing.status === 'RUNNING' && isDeepStrictEqual(JSON.parse(existing.input), parsed)) {
      return { executionArn: arn, startDate: existing.startDate };
    }
    throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
  }
  // The job's Bedrock is recorded in a data directory as `run` records it, so `resume` continues there.
  const stored = await runtime.store.getJob(name);
  await runtime.dataDirectory?.useBedrock(name, runtime.bedrockTarget, { newJob: !stored });
  const local = runtime.startExecution(name, parsed);
  const execution: ServedExecution = {
    name,
    arn,
    input,
    startDate: Date.now() / 1000,
    status: 'RUNNING',
    events: [],
    abort: local.abort,
  };
  executions.set(arn, execution);
  void (async () => {
    for await (const event of local.events) execution.events.push(event);
  })();
  local.outcome.then(
    (outcome) => {
      if (execution.status !== 'RUNNING') return;
      execution.status = outcome.status;
      execution.stopDate = Date.now() / 1000;
      if (outcome.status === 'SUCCEEDED') execution.output = JSON.stringify(outcome.output ?? null);
      else {
        if (outcome.error !== undefined) execution.error = outcome.error;
        if (outcome.cause !== undefined) execution.cause = outcome.cause;
      }
    },
    () => {
      // Only an abort rejects the outcome; StopExecution has already marked the execution ABORTED.
      if (execution.status === 'RUNNING') {
        execution.status = 'ABORTED';
        execution.stopDate = Date.now() / 1000;
      }
    },
  );
  return { executionArn: arn, startDate: execution.startDate };
}

function find(executions: Map<string, ServedExecution>, arn: unknown): ServedExecution {
  if (typeof arn !== 'string' || !arn.startsWith('arn:aws:states:')) {
    throw new ServiceError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
  }
  const execution = executions.get(arn);
  if (!execution) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  return execution;
}

function summary(execution: ServedExecution) {
  return {
    executionArn: execution.arn,
    stateMachineArn: LOCAL_STATE_MACHINE_ARN,
    name: execution.name,
    status: execution.status,
    startDate: execution.startDate,
    ...(execution.stopDate === undefined ? {} : { stopDate: execution.stopDate }),
  };
}

function describeExecution(execution: ServedExecution): unknown {
  return {
    ...summary(execution),
    input: execution.input,
    inputDetails: { included: true },
    ...(execution.output === undefined
      ? {}
      : { output: execution.output, outputDetails: { included: true } }),
    ...(execution.error === undefined ? {} : { error: execution.error }),
    ...(execution.cause === undefined ? {} : { cause: execution.cause }),
  };
}

/** Offset pagination: the token is the index of the next item. */
function page<T>(items: T[], request: Record<string, unknown>): { items: T[]; nextToken?: string } {
  const start = typeof request.nextToken === 'string' ? Number.parseInt(request.nextToken, 10) || 0 : 0;
  const max = typeof request.maxResults === 'number' && request.maxResults > 0 ? request.maxResults : 1000;
  const slice = items.slice(start, start + max);
  return start + max < items.length ? { items: slice, nextToken: String(start + max) } : { items: slice };
}

function listExecutions(executions: Map<string, ServedExecution>, request: Record<string, unknown>): unknown {
  if (request.stateMachineArn !== LOCAL_STATE_MACHINE_ARN) {
    throw new ServiceError(
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${String(request.stateMachineArn)}'`,
    );
  }
  const newestFirst = [...executions.values()]
    .filter((execution) => request.statusFilter === undefined || execution.status === request.statusFilter)
    .reverse();
  const { items, nextToken } = page(newestFirst, request);
  return { executions: items.map(summary), ...(nextToken ? { nextToken } : {}) };
}

function stopExecution(execution: ServedExecution, request: Record<string, unknown>): unknown {
  if (execution.status === 'RUNNING') {
    execution.status = 'ABORTED';
    execution.stopDate = Date.now() / 1000;
    if (typeof request.error === 'string') execution.error = request.error;
    if (typeof request.cause === 'string') execution.cause = request.cause;
    execution.abort();
  }
  return { stopDate: execution.stopDate };
}

/** The library's events as Step Functions history events (Task states as `Task...`, and so on). */
function historyEvent(event: ExecutionEvent): Record<string, unknown> | undefined {
  switch (event.type) {
    case 'ExecutionStarted':
      return {
        type: 'ExecutionStarted',
        executionStartedEventDetails: {
          input: JSON.stringify(event.input),
          inputDetails: { truncated: false },
        },
      };
    case 'ExecutionSucceeded':
      return {
        type: 'ExecutionSucceeded',
        executionSucceededEventDetails: {
          output: JSON.stringify(event.output),
          outputDetails: { truncated: false },
        },
      };
    case 'ExecutionFailed':
      return {
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: event.Error, cause: String(event.Cause ?? '') },
      };
    case 'ExecutionAborted':
      return { type: 'ExecutionAborted', executionAbortedEventDetails: {} };
    case 'ExecutionTimeout':
      return { type: 'ExecutionTimedOut', executionTimedOutEventDetails: {} };
    case 'StateEntered':
      return {
        type: `${event.state.type}StateEntered`,
        stateEnteredEventDetails: { name: event.state.name, input: JSON.stringify(event.state.input) },
      };
    case 'StateExited':
      return {
        type: `${event.state.type}StateExited`,
        stateExitedEventDetails: {
          name: event.state.name,
          output: JSON.stringify(event.state.output ?? null),
        },
      };
    case 'StateFailed':
      // A Lambda task's failed attempt; the service records it as TaskFailed, retried or not.
      return event.state.type === 'Task'
        ? {
            type: 'TaskFailed',
            taskFailedEventDetails: {
              resourceType: 'lambda',
              resource: 'invoke',
              error: event.Error,
              cause: String(event.Cause ?? ''),
            },
          }
        : undefined;
    default:
      return undefined;
  }
}

function executionHistory(execution: ServedExecution, request: Record<string, unknown>): unknown {
  const events = execution.events
    .map((event) => ({ event, mapped: historyEvent(event) }))
    .filter((entry) => entry.mapped !== undefined)
    .map(({ event, mapped }, index) => ({
      timestamp: event.timestamp / 1000,
      id: index + 1,
      previousEventId: index,
      ...mapped,
    }));
  const ordered = request.reverseOrder === true ? events.reverse() : events;
  const { items, nextToken } = page(ordered, request);
  return { events: items, ...(nextToken ? { nextToken } : {}) };
}
