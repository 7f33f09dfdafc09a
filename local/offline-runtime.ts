import './node20-polyfill';
import type { Context } from 'aws-lambda';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import type { JobStore } from '../functions/adapters/job-store';
import { describeFailure } from '../functions/core/failure-description';
import { buildLocalDefinition, type HandlerKey, type LocalDefinition } from '../infra/local-definition';
import { type EmulatorOptions, type RunningEmulator, startBedrockEmulator } from './bedrock-emulator';
import { createLambdaContext } from './lambda-context';
import { LOCAL_CREDENTIALS, type LocalDynamoDb, startLocalDynamoDb } from './local-dynamodb';

/** Table name the offline runtime uses in its local DynamoDB. */
export const LOCAL_TABLE_NAME = 'longform-jobs';

/** One event of a local execution's history (the library does not export the type by name). */
export type ExecutionEvent =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** Where rounds get their model from offline. */
export type BedrockTarget = 'emulator' | 'aws';

/** Options for {@link OfflineRuntime.start}. */
export interface OfflineRuntimeOptions {
  /**
   * `emulator` (default) starts the project's Bedrock emulator, unless `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`
   * is already set, which is then used as it is. `aws` calls real Bedrock with the default credential chain.
   */
  bedrock?: BedrockTarget;
  /** Keep the local table on disk here, so jobs survive the process (resume). In memory when absent. */
  dataDir?: string;
  /** Model the stack is configured with (the default for jobs that name none). */
  defaultModelId?: string;
  maxTokensPerRound?: number;
  maxRounds?: number;
  /** Emulator settings (document length, faults, quirks) when the emulator is started. */
  emulator?: EmulatorOptions;
  /** Shortens every retry wait to this many milliseconds. Tests only: real waits otherwise. */
  retryIntervalMs?: number;
  /** Powertools log level for the handlers (default SILENT: the CLI owns stdout). */
  logLevel?: string;
}

/** How an execution ended. */
export interface ExecutionOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: string;
  cause?: string;
}

/** A running local execution: its history as it happens, and its outcome. */
export interface LocalExecution {
  /** The execution's events (the offline counterpart of GetExecutionHistory), as they happen. */
  events: AsyncGenerator<ExecutionEvent>;
  outcome: Promise<ExecutionOutcome>;
  abort(): void;
}

/**
 * The embedded default (DESIGN §8): the state machine definition synthesized from the CDK construct,
 * executed by `aws-local-stepfunctions`, each Lambda task running the real handler in process, against
 * a local DynamoDB and the Bedrock emulator. SDK clients reach the local servers only through the
 * standard `AWS_ENDPOINT_URL_*` variables.
 */
export class OfflineRuntime {
  private constructor(
    private readonly definition: LocalDefinition,
    private readonly handlers: Record<HandlerKey, (event: unknown, context: Context) => Promise<unknown>>,
    private readonly dynamo: LocalDynamoDb,
    /** The emulator, when this runtime started one. */
    readonly emulator: RunningEmulator | undefined,
    /** The job store the handlers use, for reading jobs and documents. */
    readonly store: JobStore,
    private readonly retryIntervalMs: number | undefined,
  ) {}

  /** Starts the local servers, points the SDK at them, and builds the definition from the construct. */
  static async start(options: OfflineRuntimeOptions = {}): Promise<OfflineRuntime> {
    const definition = buildLocalDefinition({
      tableName: LOCAL_TABLE_NAME,
      ...(options.defaultModelId
        ? { defaultModelId: options.defaultModelId, allowedModelIds: [options.defaultModelId] }
        : {}),
      ...(options.maxTokensPerRound ? { maxTokensPerRound: options.maxTokensPerRound } : {}),
      ...(options.maxRounds ? { maxRounds: options.maxRounds } : {}),
    });
    const dynamo = await startLocalDynamoDb(options.dataDir ? { dataDir: options.dataDir } : {});
    let emulator: RunningEmulator | undefined;
    try {
      await dynamo.createJobTable(LOCAL_TABLE_NAME);
      const bedrock = options.bedrock ?? 'emulator';
      if (bedrock === 'emulator' && !process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME) {
        emulator = await startBedrockEmulator(options.emulator);
      }
      configureEnvironment(definition, dynamo.endpoint, emulator?.url, options.logLevel ?? 'SILENT');
    } catch (error) {
      await emulator?.close();
      await dynamo.stop();
      throw error;
    }
    // Imported only now: Powertools reads its log level and metrics switches when the handlers load.
    const [initialize, generateRound, finalize, recordFailure, clients] = await Promise.all([
      import('../functions/handlers/initialize-job'),
      import('../functions/handlers/generate-round'),
      import('../functions/handlers/finalize-job'),
      import('../functions/handlers/record-failure'),
      import('../functions/handlers/shared/clients'),
    ]);
    const handlers = {
      initialize: initialize.handler,
      generateRound: generateRound.handler,
      finalize: finalize.handler,
      recordFailure: recordFailure.handler,
    } as Record<HandlerKey, (event: unknown, context: Context) => Promise<unknown>>;
    return new OfflineRuntime(
      definition,
      handlers,
      dynamo,
      emulator,
      clients.jobStore(),
      options.retryIntervalMs,
    );
  }

  /** The name of the Task state that generates rounds, for progress displays. */
  get roundStateName(): string {
    const entry = Object.entries(this.definition.taskHandlers).find(([, key]) => key === 'generateRound');
    return entry?.[0] ?? 'Generate next part';
  }

  /**
   * Starts an execution named `name` (the job id, as on AWS) with `input`. Task states run the real
   * handlers; a handler's error surfaces as Lambda reports it: the error's name, and a JSON cause with
   * `errorType` and `errorMessage`.
   */
  startExecution(name: string, input: unknown): LocalExecution {
    const machine = new StateMachine(this.definition.definition as never);
    const taskResourceLocalHandlers = Object.fromEntries(
      Object.entries(this.definition.taskHandlers).map(([stateName, key]) => [
        stateName,
        (stateInput: unknown) => this.invoke(key, stateInput),
      ]),
    );
    const retryIntervalOverrides =
      this.retryIntervalMs === undefined
        ? undefined
        : Object.fromEntries(
            Object.keys(this.definition.taskHandlers).map((state) => [state, this.retryIntervalMs as number]),
          );
    const execution = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: taskResourceLocalHandlers as never,
        ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}),
      },
      context: {
        Execution: { Name: name, Id: `arn:aws:states:local:000000000000:execution:longform:${name}` },
      },
    });
    const outcome = execution.result.then(
      (output): ExecutionOutcome => ({ status: 'SUCCEEDED', output }),
      async (error: unknown): Promise<ExecutionOutcome> => {
        if (!(error instanceof ExecutionError && error.cause instanceof Error)) throw error;
        const caught = { Error: error.cause.name, Cause: error.cause.message };
        // What the stack's FailedExecutionRecorder rule does on AWS when an execution ends FAILED.
        await this.invoke('recordFailure', { jobId: name, failure: caught });
        const failure = describeFailure(caught);
        return { status: 'FAILED', error: failure.error, cause: failure.cause };
      },
    );
    return { events: execution.eventLogs, outcome, abort: execution.abort };
  }

  /** Stops the local servers. */
  async stop(): Promise<void> {
    await this.emulator?.close();
    await this.dynamo.stop();
    // A later runtime in this process would take a leftover emulator URL for the user's own endpoint.
    if (this.emulator && process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME === this.emulator.url) {
      delete process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
    }
  }

  private async invoke(key: HandlerKey, stateInput: unknown): Promise<unknown> {
    // A CDK LambdaInvoke task hands `{ FunctionName, Payload }` and expects the Lambda Invoke response.
    const isInvokeRequest = typeof stateInput === 'object' && stateInput !== null && 'Payload' in stateInput;
    const payload = isInvokeRequest ? (stateInput as { Payload: unknown }).Payload : stateInput;
    const context = createLambdaContext(`longform-${key}`, this.definition.timeoutsSeconds[key]);
    let result: unknown;
    try {
      result = await this.handlers[key](structuredClone(payload), context);
    } catch (error) {
      throw asLambdaError(error);
    }
    return isInvokeRequest
      ? { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: result ?? null }
      : (result ?? null);
  }
}

/** Lambda reports a function error with the error's name and a JSON cause; mirror it (without the trace). */
function asLambdaError(error: unknown): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const lambdaError = new Error(JSON.stringify({ errorType: source.name, errorMessage: source.message }));
  lambdaError.name = source.name;
  return lambdaError;
}

function configureEnvironment(
  definition: LocalDefinition,
  dynamoEndpoint: string,
  emulatorUrl: string | undefined,
  logLevel: string,
): void {
  for (const environment of Object.values(definition.environment)) Object.assign(process.env, environment);
  Object.assign(process.env, {
    TABLE_NAME: LOCAL_TABLE_NAME,
    // Offline, any model id the user names is allowed: IAM scoping only matters when deployed.
    ALLOWED_MODEL_IDS: '',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    POWERTOOLS_LOG_LEVEL: logLevel,
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  process.env.AWS_REGION ??= process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  if (emulatorUrl) {
    process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = emulatorUrl;
    // The handlers' clients read credentials from the environment: keep them off the real chain.
    process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  }
}
