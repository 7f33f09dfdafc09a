import './node20-polyfill';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Duration } from 'aws-cdk-lib';
import type { Context } from 'aws-lambda';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { createBedrockClient } from '../functions/adapters/bedrock-model';
import type { JobStore } from '../functions/adapters/job-store';
import { executionArnOf } from '../functions/core/execution-arn';
import { describeFailure, EXECUTION_ABORTED } from '../functions/core/failure-description';
import type { JobDefaults } from '../functions/core/job-config';
import { createFinalizeJobHandler } from '../functions/handlers/finalize-job';
import { createGenerateRoundHandler } from '../functions/handlers/generate-round';
import { createInitializeJobHandler } from '../functions/handlers/initialize-job';
import { createRecordFailureHandler } from '../functions/handlers/record-failure';
import { createJobStore } from '../functions/handlers/shared/clients';
import { type RuntimeConfig, readRuntimeConfig } from '../functions/handlers/shared/runtime-config';
import { buildLocalDefinition, type LocalDefinition } from '../infra/local-definition';
import { type StepKey, WORKFLOW_STEPS } from '../infra/workflow-steps';
import { type EmulatorOptions, type RunningEmulator, startBedrockEmulator } from './bedrock-emulator';
import { checkBedrockSetup } from './bedrock-preflight';
import { DataDirectory } from './data-directory';
import { DocumentDirectory } from './document-directory';
import { EventLog, type LoggedEvent } from './event-log';
import { createLambdaContext } from './lambda-context';
import { LOCAL_STATE_MACHINE_ARN } from './local-arns';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  LOCAL_TABLE_NAME,
  type LocalDynamoDb,
  startLocalDynamoDb,
} from './local-dynamodb';

export { LOCAL_TABLE_NAME } from './local-dynamodb';

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
  /**
   * Keep the local table on disk here, so jobs survive the process (resume). In memory when absent. The
   * directory is marked as Longform's and locked while the runtime runs (docs/architecture.md, Storage).
   */
  dataDir?: string;
  /** Refuse a `dataDir` that is not a data directory yet instead of making one (resume). Default false. */
  existingDataDir?: boolean;
  /** Model ids a job may name. Default: any, since IAM scoping only matters when deployed. */
  allowedModelIds?: string[];
  /** The stack's default round limit of a job. */
  maxRounds?: number;
  /** Emulator settings (document length, faults, quirks) when the emulator is started. */
  emulator?: EmulatorOptions;
  /** Shortens every retry wait to this many milliseconds. Tests only: real waits otherwise. */
  retryIntervalMs?: number;
  /**
   * The round function's timeout in seconds (1 to 900; the stack's 900 when absent), set on the stack
   * as deployed: each round gets that deadline and is time-boxed by it (`longform run --round-timeout`).
   */
  roundTimeoutSeconds?: number;
  /** Powertools log level for the handlers (default SILENT: the CLI owns stdout). */
  logLevel?: LogLevel;
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
  /** Ends the run at once and records nothing, as if the process died. */
  abort(): void;
  /**
   * StopExecution: ends the run at once; once the step it was running has finished (the interpreter
   * cannot cancel a handler), records the stop on the job as the stack's recorder does for an ABORTED
   * execution (`ExecutionAbortedError`).
   */
  stop(): Promise<void>;
}

/** How long {@link OfflineRuntime.stop} waits for handler calls still running (a round on the emulator takes ms). */
const STOP_GRACE_MS = 5_000;

type LocalHandler = (event: never, context: Context) => Promise<unknown>;

/**
 * The embedded default (docs/architecture.md): the state machine definition synthesized from the CDK
 * construct, executed by `aws-local-stepfunctions`, each Lambda task running the real handler in
 * process, against a local DynamoDB and the Bedrock emulator. This is the offline composition root: the
 * handlers are built from the configuration the stack gives its functions, with objects instead of
 * environment variables, so several runtimes can live in one process.
 */
export class OfflineRuntime {
  /** Validated once here: the library validates a definition on every `new StateMachine`. */
  private readonly machine: StateMachine;
  /** Handler calls running now, which {@link stop} lets finish. */
  private readonly inFlight = new Set<Promise<unknown>>();

  private constructor(
    private readonly definition: LocalDefinition,
    private readonly handlers: Record<StepKey, LocalHandler>,
    private readonly dynamo: LocalDynamoDb,
    /** The SDK clients the handlers use, closed with the runtime. */
    private readonly clients: readonly { destroy(): void }[],
    /** The emulator, when this runtime started one. */
    readonly emulator: RunningEmulator | undefined,
    /** The job store the handlers use, for reading jobs and documents. */
    readonly store: JobStore,
    /** The defaults and bounds `Initialize job` validates with (for clients that store a job first). */
    readonly defaults: JobDefaults,
    private readonly retryIntervalMs: number | undefined,
    /** The data directory, locked by this runtime, when jobs are kept on disk. */
    readonly dataDirectory: DataDirectory | undefined,
    /** Which Bedrock rounds call: `emulator`, `aws`, or the endpoint URL the environment names. */
    readonly bedrockTarget: string,
    private readonly eventLog: EventLog,
  ) {
    this.machine = new StateMachine(definition.definition as never);
  }

  /** Starts the local servers and builds the definition from the construct and the handlers from config. */
  static async start(options: OfflineRuntimeOptions = {}): Promise<OfflineRuntime> {
    const definition = buildLocalDefinition({
      tableName: LOCAL_TABLE_NAME,
      allowedModelIds: options.allowedModelIds ?? [],
      ...(options.maxRounds ? { maxRounds: options.maxRounds } : {}),
      ...(options.roundTimeoutSeconds ? { roundTimeout: Duration.seconds(options.roundTimeoutSeconds) } : {}),
    });
    // The configuration the stack sets on its functions, read the way a function reads it.
    const config: RuntimeConfig = readRuntimeConfig(definition.environment.initialize);
    const dataDirectory = options.dataDir
      ? await DataDirectory.open(options.dataDir, !options.existingDataDir)
      : undefined;
    const dynamo = await startLocalDynamoDb(options.dataDir ? { dataDir: options.dataDir } : {}).catch(
      (error: unknown) => {
        dataDirectory?.release();
        throw error;
      },
    );
    let emulator: RunningEmulator | undefined;
    const endpointUrl = process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
    const target = options.bedrock ?? 'emulator';
    try {
      await dynamo.createJobTable(config.tableName);
      if (target === 'emulator' && !endpointUrl) {
        emulator = await startBedrockEmulator(options.emulator);
      }
    } catch (error) {
      await emulator?.close();
      await dynamo.stop();
      dataDirectory?.release();
      throw error;
    }
    // The deployed client, pointed at the emulator with local credentials when it runs; otherwise it
    // finds its endpoint and credentials as the SDK always does.
    const bedrock = createBedrockClient(
      emulator ? { endpoint: emulator.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS } : {},
    );
    if (target === 'aws') {
      // Without a region, credentials or a network, rounds would retry for minutes before saying so.
      await checkBedrockSetup(bedrock, endpointUrl).catch(async (error: unknown) => {
        bedrock.destroy();
        await dynamo.stop();
        dataDirectory?.release();
        throw error;
      });
    }
    const tableClient = dynamo.createClient();
    const store = createJobStore(tableClient, config);
    const telemetry = {
      logger: new Logger({ serviceName: 'longform', logLevel: options.logLevel ?? 'SILENT' }),
    };
    // What the stack's bucket and bus are deployed: the data directory's documents/ and events.jsonl.
    const events = new EventLog(dataDirectory && join(dataDirectory.path, 'events.jsonl'));
    const documents = dataDirectory && new DocumentDirectory(dataDirectory.path);
    const handlers: Record<StepKey, LocalHandler> = {
      initialize: createInitializeJobHandler({ store, defaults: config.defaults, telemetry }),
      generateRound: createGenerateRoundHandler({ store, bedrock, telemetry }),
      finalize: createFinalizeJobHandler({ store, telemetry, documents, events }),
      recordFailure: createRecordFailureHandler({ store, telemetry, events }),
    };
    return new OfflineRuntime(
      definition,
      handlers,
      dynamo,
      [tableClient, bedrock],
      emulator,
      store,
      config.defaults,
      options.retryIntervalMs,
      dataDirectory,
      endpointUrl ?? target,
      events,
    );
  }

  /** A client of the runtime's local DynamoDB, for checks beneath the job store; destroy it when done. */
  createTableClient(): DynamoDBClient {
    return this.dynamo.createClient();
  }

  /**
   * The job events this runtime published, in order (also in the data directory's `events.jsonl`):
   * one when a job ends, and one more when a FAILED job's execution fails (at least once).
   */
  get events(): readonly LoggedEvent[] {
    return this.eventLog.events;
  }

  /** The name of the Task state that generates rounds, for progress displays. */
  get roundStateName(): string {
    return WORKFLOW_STEPS.generateRound.stateName;
  }

  /** The state machine definition (ASL JSON) as this runtime runs it, for DescribeStateMachine. */
  get definitionJson(): string {
    return JSON.stringify(this.definition.definition);
  }

  /**
   * Starts an execution named `name` (the job id, as on AWS) with `input`, redriven `redriveCount`
   * times before (the context object's `Execution.RedriveCount`, which the definition reads). Task
   * states run the real handlers; a handler's error surfaces as Lambda reports it: the error's name, and
   * a JSON cause with `errorType` and `errorMessage`.
   */
  startExecution(name: string, input: unknown, redriveCount = 0): LocalExecution {
    // The workflow runs one step at a time: this is the call a stop lets finish.
    let lastCall: Promise<unknown> = Promise.resolve();
    const taskResourceLocalHandlers = Object.fromEntries(
      Object.entries(this.definition.taskHandlers).map(([stateName, key]) => [
        stateName,
        (stateInput: unknown) => {
          lastCall = this.invoke(key, stateInput);
          return lastCall;
        },
      ]),
    );
    const retryIntervalOverrides =
      this.retryIntervalMs === undefined
        ? undefined
        : Object.fromEntries(
            Object.keys(this.definition.taskHandlers).map((state) => [state, this.retryIntervalMs as number]),
          );
    const execution = this.machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: taskResourceLocalHandlers as never,
        ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}),
      },
      context: {
        Execution: {
          Name: name,
          Id: executionArnOf(LOCAL_STATE_MACHINE_ARN, name),
          RedriveCount: redriveCount,
        },
      },
    });
    const outcome = execution.result.then(
      (output): ExecutionOutcome => ({ status: 'SUCCEEDED', output }),
      async (error: unknown): Promise<ExecutionOutcome> => {
        if (!(error instanceof ExecutionError && error.cause instanceof Error)) throw error;
        const caught = { Error: error.cause.name, Cause: error.cause.message };
        // What the stack's FailedExecutionRecorder rule does on AWS when an execution ends FAILED; the
        // input names the job when the execution resumes one under another name.
        await this.invoke('recordFailure', { jobId: name, input, redriveCount, failure: caught });
        const failure = describeFailure(caught);
        return { status: 'FAILED', error: failure.error, cause: failure.cause };
      },
    );
    const stop = async () => {
      execution.abort();
      await lastCall.catch(() => undefined);
      await this.recordStopped(name, input, redriveCount);
    };
    return { events: execution.eventLogs, outcome, abort: execution.abort, stop };
  }

  /**
   * Records on its job that the execution `name` (with `input`, also as JSON text), redriven
   * `redriveCount` times, was stopped, as the stack's failed-execution recorder does for an ABORTED
   * execution: FAILED with `ExecutionAbortedError`, unless the job already ended or another execution, or
   * a later run of this one, runs it.
   */
  async recordStopped(name: string, input: unknown, redriveCount = 0): Promise<void> {
    await this.invoke('recordFailure', { jobId: name, input, redriveCount, failure: EXECUTION_ABORTED });
  }

  /** Stops the local servers and closes the clients. */
  async stop(): Promise<void> {
    // A handler of an aborted execution still runs (the interpreter cannot cancel it); closing the local
    // DynamoDB under its requests makes dynalite throw outside any promise. Let it finish, up to a bound.
    await Promise.race([
      Promise.allSettled(this.inFlight),
      new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref()),
    ]);
    for (const client of this.clients) client.destroy();
    await this.emulator?.close();
    await this.dynamo.stop();
    this.dataDirectory?.release();
  }

  /**
   * Runs a step's handler as Lambda would. The definition's tasks pass the payload alone
   * (`payloadResponseOnly`), so the handler gets the state input and its result is the task's output.
   */
  private async invoke(key: StepKey, payload: unknown): Promise<unknown> {
    const context = createLambdaContext(
      WORKFLOW_STEPS[key].constructId,
      this.definition.timeoutsSeconds[key],
    );
    const call = this.handlers[key](structuredClone(payload) as never, context);
    this.inFlight.add(call);
    try {
      return (await call) ?? null;
    } catch (error) {
      throw asLambdaError(error);
    } finally {
      this.inFlight.delete(call);
    }
  }
}

/** Lambda reports a function error with the error's name and a JSON cause; mirror it (without the trace). */
function asLambdaError(error: unknown): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const lambdaError = new Error(JSON.stringify({ errorType: source.name, errorMessage: source.message }));
  lambdaError.name = source.name;
  return lambdaError;
}
