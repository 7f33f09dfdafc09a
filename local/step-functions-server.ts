import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { executionArnOf } from '../functions/core/execution-arn';
import { MAX_EXECUTION_INPUT_BYTES, REDRIVE_PERIOD_MS } from '../functions/core/execution-limits';
import { isExecutionName } from '../functions/core/job-reference';
import { ExecutionHistory, historyEntry } from './execution-history';
import { EXECUTION_HISTORY_FOLDER, type ExecutionRecord, ExecutionRecordFile } from './execution-records';
import { LOCAL_STATE_MACHINE_ARN, LOCAL_STATE_MACHINE_NAME } from './local-arns';
import type { OfflineRuntime } from './offline-runtime';

export { LOCAL_STATE_MACHINE_ARN } from './local-arns';

/** A state machine's ARN (optionally of a version, `:N`), and an execution's. */
const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:stateMachine:[^:\s]+(:\d+)?$/u;
const EXECUTION_ARN = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:execution:[^:\s]+:[^:\s]+$/u;
/** A role for DescribeStateMachine to name: offline, nothing assumes it. */
const LOCAL_ROLE_ARN = 'arn:aws:iam::000000000000:role/longform-local';
/** A redrive needs room for `ExecutionRedriven` and one more event in the 25,000 (the API reference). */
const REDRIVABLE_HISTORY_EVENTS = 24_999;
/** RedriveExecution answers the last 10 client tokens alike, for 15 minutes (its API reference). */
const CLIENT_TOKENS_KEPT = 10;
const CLIENT_TOKEN_SECONDS = 15 * 60;

interface ServedExecution extends ExecutionRecord {
  history: ExecutionHistory;
  /** Counts the runs of the workflow for this execution: what an older run reports is ignored. */
  run: number;
  abort(): void;
  /** StopExecution of the run: see {@link LocalExecution.stop}. */
  stop(): Promise<void>;
  /** The recording of the last stop on the job, which a redrive waits for. */
  stopRecorded?: Promise<void>;
  redriveTokens: { token: string; usedAt: number; redriveDate: number }[];
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

/** A running Step Functions endpoint; {@link close} stops it and the executions it runs. */
export interface StepFunctionsServer {
  /** e.g. `http://127.0.0.1:45678`, for `AWS_ENDPOINT_URL_SFN` or a client's `endpoint`. */
  url: string;
  /**
   * Stops serving. Running executions stop without being recorded as stopped, as if the process died:
   * with a data directory, the next server on it continues them.
   */
  close(): Promise<void>;
}

/** What the operations share. */
interface Served {
  runtime: OfflineRuntime;
  executions: Map<string, ServedExecution>;
  /** With a data directory: the executions' records and the folder of their histories. */
  records: ExecutionRecordFile | undefined;
  historyFolder: string | undefined;
  closed: boolean;
}

/**
 * Serves the offline runtime's state machine over the Step Functions API (the awsJson1_0 protocol of
 * `@aws-sdk/client-sfn` and the AWS CLI) on loopback: POST `/` with `X-Amz-Target:
 * AWSStepFunctions.<Operation>`. Executions are named by their job id; the jobs are in the runtime's
 * table. With the runtime's data directory the executions and their histories are kept there too, and
 * the executions that were running when the last server on it stopped are continued
 * (docs/architecture.md, Offline runtime).
 */
export async function startStepFunctionsServer(
  runtime: OfflineRuntime,
  options: { port?: number } = {},
): Promise<StepFunctionsServer> {
  const directory = runtime.dataDirectory?.path;
  const served: Served = {
    runtime,
    executions: new Map(),
    records: directory ? new ExecutionRecordFile(directory) : undefined,
    historyFolder: directory ? join(directory, EXECUTION_HISTORY_FOLDER) : undefined,
    closed: false,
  };
  if (served.historyFolder) mkdirSync(served.historyFolder, { recursive: true });
  for (const record of served.records?.load() ?? []) {
    served.executions.set(record.arn, {
      ...record,
      history: ExecutionHistory.openFile(historyFile(served, record.name)),
      run: 0,
      abort: () => undefined,
      // Stopped before it was continued: nothing runs, the job is marked at once.
      stop: () => runtime.recordStopped(record.name, record.input, record.redriveCount),
      redriveTokens: [],
    });
  }
  let serial: Promise<unknown> = Promise.resolve();
  // One at a time: two starts of one name must not both find it free while the job is looked up, nor
  // two redrives both find the execution stopped.
  const inTurn = (operation: () => Promise<unknown>) => {
    const result = serial.then(operation);
    serial = result.catch(() => undefined);
    return result;
  };
  const created = Date.now() / 1000;
  const operations: Record<string, (request: Record<string, unknown>) => Promise<unknown> | unknown> = {
    StartExecution: (request) => inTurn(() => startExecution(served, request)),
    DescribeExecution: (request) => describeExecution(find(served, request.executionArn)),
    ListExecutions: (request) => listExecutions(served, request),
    StopExecution: (request) => stopExecution(served, find(served, request.executionArn), request),
    RedriveExecution: (request) =>
      inTurn(() => redriveExecution(served, find(served, request.executionArn), request)),
    GetExecutionHistory: (request) => executionHistory(find(served, request.executionArn), request),
    ListStateMachines: () => ({
      stateMachines: [
        {
          stateMachineArn: LOCAL_STATE_MACHINE_ARN,
          name: LOCAL_STATE_MACHINE_NAME,
          type: 'STANDARD',
          creationDate: created,
        },
      ],
    }),
    DescribeStateMachine: (request) => {
      checkStateMachine(request.stateMachineArn);
      return {
        stateMachineArn: LOCAL_STATE_MACHINE_ARN,
        name: LOCAL_STATE_MACHINE_NAME,
        status: 'ACTIVE',
        definition: runtime.definitionJson,
        roleArn: LOCAL_ROLE_ARN,
        type: 'STANDARD',
        creationDate: created,
        loggingConfiguration: { level: 'OFF', includeExecutionData: false },
        tracingConfiguration: { enabled: false },
      };
    },
  };
  const server = createServer((request, response) => {
    void handle(operations, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  for (const execution of served.executions.values()) {
    if (execution.status === 'RUNNING') void inTurn(() => continueExecution(served, execution));
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      served.closed = true;
      for (const execution of served.executions.values())
        if (execution.status === 'RUNNING') execution.abort();
      await serial;
      await served.records?.flush();
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

async function startExecution(served: Served, request: Record<string, unknown>): Promise<unknown> {
  const { runtime, executions } = served;
  if (typeof request.stateMachineArn !== 'string') {
    throw new ServiceError(
      'ValidationException',
      "1 validation error detected: 'stateMachineArn' is required",
    );
  }
  checkStateMachine(request.stateMachineArn);
  const name = request.name === undefined ? randomUUID() : request.name;
  if (typeof name !== 'string' || !isExecutionName(name)) {
    throw new ServiceError('InvalidName', `Invalid Name: '${String(name)}'`);
  }
  const input = request.input === undefined ? '{}' : request.input;
  if (typeof input !== 'string' || Buffer.byteLength(input, 'utf8') > MAX_EXECUTION_INPUT_BYTES) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_EXECUTION_INPUT_BYTES}`,
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
  const arn = executionArnOf(LOCAL_STATE_MACHINE_ARN, name);
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
  const execution: ServedExecution = {
    name,
    arn,
    input,
    startDate: Date.now() / 1000,
    status: 'RUNNING',
    redriveCount: 0,
    history: served.historyFolder
      ? ExecutionHistory.createFile(historyFile(served, name))
      : ExecutionHistory.inMemory(),
    run: 0,
    abort: () => undefined,
    stop: async () => undefined,
    redriveTokens: [],
  };
  executions.set(arn, execution);
  runWorkflow(served, execution, parsed, 'start');
  await save(served);
  return { executionArn: arn, startDate: execution.startDate };
}

/**
 * Runs the workflow for `execution` on its input. A redrive or a continuation runs it again from the
 * start under the same name: `Initialize job` reopens the stored job and the rounds go on from the last
 * stored one, so no round is paid twice; its events are appended to the history, without a second
 * `ExecutionStarted`. The execution ends when both the workflow's outcome and its last event are in.
 */
function runWorkflow(
  served: Served,
  execution: ServedExecution,
  input: unknown,
  kind: 'start' | 'redrive' | 'continue',
): void {
  const run = ++execution.run;
  const current = () => !served.closed && execution.run === run;
  const local = served.runtime.startExecution(execution.name, input, execution.redriveCount);
  execution.abort = local.abort;
  execution.stop = local.stop;
  const drained = (async () => {
    for await (const event of local.events) {
      if (!current() || (kind !== 'start' && event.type === 'ExecutionStarted')) continue;
      const entry = historyEntry(event);
      if (entry) execution.history.append(entry, event.timestamp);
    }
  })();
  Promise.all([local.outcome, drained]).then(
    ([outcome]) => {
      if (!current() || execution.status !== 'RUNNING') return;
      execution.status = outcome.status;
      execution.stopDate = Date.now() / 1000;
      if (outcome.status === 'SUCCEEDED') execution.output = JSON.stringify(outcome.output ?? null);
      if (outcome.error !== undefined) execution.error = outcome.error;
      if (outcome.cause !== undefined) execution.cause = outcome.cause;
      void save(served).catch(() => undefined);
    },
    () => {
      // Only an abort rejects the outcome, and StopExecution has ended the run; anything else ends it here.
      if (!current() || execution.status !== 'RUNNING') return;
      execution.status = 'ABORTED';
      execution.stopDate = Date.now() / 1000;
      void save(served).catch(() => undefined);
    },
  );
}

/**
 * Continues an execution that was running when the last server on the data directory stopped, as the
 * service would have gone on with it. A Task state cut off by that is recorded as `TaskStateAborted`.
 */
async function continueExecution(served: Served, execution: ServedExecution): Promise<void> {
  // Stopped (or the server closed) while it waited its turn.
  if (served.closed || execution.status !== 'RUNNING') return;
  if (
    execution.history.lastType === 'TaskStateEntered' ||
    execution.history.lastType === 'LambdaFunctionFailed'
  ) {
    execution.history.append({ type: 'TaskStateAborted' });
  }
  try {
    await served.runtime.dataDirectory?.useBedrock(execution.name, served.runtime.bedrockTarget);
  } catch (error) {
    const { name, message } = error as Error;
    execution.status = 'FAILED';
    execution.stopDate = Date.now() / 1000;
    execution.error = name;
    execution.cause = message;
    execution.history.append({
      type: 'ExecutionFailed',
      executionFailedEventDetails: { error: name, cause: message },
    });
    await save(served);
    return;
  }
  runWorkflow(served, execution, JSON.parse(execution.input), 'continue');
}

/** Why the service would refuse to redrive `execution` now, or undefined when it may be redriven. */
function notRedrivable(execution: ServedExecution, now: number): string | undefined {
  if (execution.status === 'RUNNING' || execution.status === 'SUCCEEDED') {
    return `Execution is ${execution.status} and cannot be redriven`;
  }
  if (execution.stopDate !== undefined && now - execution.stopDate > REDRIVE_PERIOD_MS / 1000) {
    return 'Execution redrivable period exceeded';
  }
  if (execution.history.length >= REDRIVABLE_HISTORY_EVENTS) return 'Execution history event limit exceeded';
  return undefined;
}

async function redriveExecution(
  served: Served,
  execution: ServedExecution,
  request: Record<string, unknown>,
): Promise<unknown> {
  const now = Date.now() / 1000;
  const token = typeof request.clientToken === 'string' ? request.clientToken : undefined;
  const repeated = execution.redriveTokens.find(
    (used) => used.token === token && now - used.usedAt < CLIENT_TOKEN_SECONDS,
  );
  if (repeated) return { redriveDate: repeated.redriveDate };
  const reason = notRedrivable(execution, now);
  if (reason) throw new ServiceError('ExecutionNotRedrivable', reason);
  await served.runtime.dataDirectory?.useBedrock(execution.name, served.runtime.bedrockTarget);
  // The stopped run's job must be marked before the redrive reopens it, not after.
  await execution.stopRecorded;
  execution.status = 'RUNNING';
  execution.redriveCount += 1;
  execution.redriveDate = now;
  delete execution.stopDate;
  delete execution.output;
  delete execution.error;
  delete execution.cause;
  if (token) {
    execution.redriveTokens = [...execution.redriveTokens, { token, usedAt: now, redriveDate: now }].slice(
      -CLIENT_TOKENS_KEPT,
    );
  }
  execution.history.append({
    type: 'ExecutionRedriven',
    executionRedrivenEventDetails: { redriveCount: execution.redriveCount },
  });
  runWorkflow(served, execution, JSON.parse(execution.input), 'redrive');
  await save(served);
  return { redriveDate: now };
}

/** Writes the executions' records to the data directory, if there is one. */
async function save(served: Served): Promise<void> {
  if (served.closed) return;
  await served.records?.save(() =>
    [...served.executions.values()].map(
      ({
        history: _history,
        run: _run,
        abort: _abort,
        stop: _stop,
        stopRecorded: _recorded,
        redriveTokens: _tokens,
        ...record
      }) => record,
    ),
  );
}

/**
 * An execution's history file: named by the execution, or, for a name too long for a file name (80
 * characters can be 320 bytes), by its hash after a `#`, which no execution name has.
 */
function historyFile(served: Served, name: string): string {
  const file =
    Buffer.byteLength(name, 'utf8') <= 200 ? name : `#${createHash('sha256').update(name).digest('hex')}`;
  return join(served.historyFolder as string, `${file}.jsonl`);
}

/** Refuses a malformed state machine ARN (InvalidArn) and any but this one (StateMachineDoesNotExist). */
function checkStateMachine(arn: unknown): void {
  if (typeof arn !== 'string' || !STATE_MACHINE_ARN.test(arn)) {
    throw new ServiceError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
  }
  if (arn !== LOCAL_STATE_MACHINE_ARN) {
    throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
  }
}

function find(served: Served, arn: unknown): ServedExecution {
  if (typeof arn !== 'string' || !EXECUTION_ARN.test(arn)) {
    throw new ServiceError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
  }
  const execution = served.executions.get(arn);
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
    redriveCount: execution.redriveCount,
    ...(execution.redriveDate === undefined ? {} : { redriveDate: execution.redriveDate }),
  };
}

function describeExecution(execution: ServedExecution): unknown {
  const reason = notRedrivable(execution, Date.now() / 1000);
  return {
    ...summary(execution),
    input: execution.input,
    inputDetails: { included: true },
    ...(execution.output === undefined
      ? {}
      : { output: execution.output, outputDetails: { included: true } }),
    ...(execution.error === undefined ? {} : { error: execution.error }),
    ...(execution.cause === undefined ? {} : { cause: execution.cause }),
    redriveStatus: reason ? 'NOT_REDRIVABLE' : 'REDRIVABLE',
    ...(reason ? { redriveStatusReason: reason } : {}),
  };
}

/**
 * Offset pagination: the token is the index of the next item. Pages of 100 unless `maxResults` (1 to
 * 1000; 0 is the default) says otherwise, as the service pages.
 */
function page<T>(items: T[], request: Record<string, unknown>): { items: T[]; nextToken?: string } {
  const { nextToken, maxResults } = request;
  const max = maxResults === undefined || maxResults === 0 ? 100 : maxResults;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > 1000) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`,
    );
  }
  if (nextToken !== undefined && !(typeof nextToken === 'string' && /^\d+$/u.test(nextToken))) {
    throw new ServiceError('InvalidToken', `Invalid Token: '${String(nextToken)}'`);
  }
  const start = nextToken === undefined ? 0 : Number(nextToken);
  const slice = items.slice(start, start + max);
  return start + max < items.length ? { items: slice, nextToken: String(start + max) } : { items: slice };
}

function listExecutions(served: Served, request: Record<string, unknown>): unknown {
  checkStateMachine(request.stateMachineArn);
  const newestFirst = [...served.executions.values()]
    .filter((execution) => request.statusFilter === undefined || execution.status === request.statusFilter)
    .reverse();
  const { items, nextToken } = page(newestFirst, request);
  return { executions: items.map(summary), ...(nextToken ? { nextToken } : {}) };
}

function stopExecution(
  served: Served,
  execution: ServedExecution,
  request: Record<string, unknown>,
): unknown {
  if (execution.status === 'RUNNING') {
    execution.status = 'ABORTED';
    execution.stopDate = Date.now() / 1000;
    if (typeof request.error === 'string') execution.error = request.error;
    if (typeof request.cause === 'string') execution.cause = request.cause;
    // The run is over for the history at once: nothing it still reports comes after its end. The job
    // is marked as the stack's recorder marks it, once the step that was running has finished.
    execution.run += 1;
    execution.stopRecorded = execution.stop().catch(() => undefined);
    execution.history.append({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: {
        ...(execution.error === undefined ? {} : { error: execution.error }),
        ...(execution.cause === undefined ? {} : { cause: execution.cause }),
      },
    });
    void save(served).catch(() => undefined);
  }
  return { stopDate: execution.stopDate };
}

function executionHistory(execution: ServedExecution, request: Record<string, unknown>): unknown {
  const events = execution.history.events();
  const ordered = request.reverseOrder === true ? events.reverse() : events;
  const { items, nextToken } = page(ordered, request);
  return { events: items, ...(nextToken ? { nextToken } : {}) };
}
