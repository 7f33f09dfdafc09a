import { ArnFormat, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  Choice,
  Condition,
  DefinitionBody,
  DistributedMap,
  Fail,
  IntegrationPattern,
  type IStateMachine,
  JsonPath,
  OutputType,
  Pass,
  ResultWriterV2,
  S3JsonLItemReader,
  StateMachine,
  StateMachineType,
  TaskInput,
  Timeout,
  Transformation,
  WriterConfig,
} from 'aws-cdk-lib/aws-stepfunctions';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from './acknowledge-wildcards';
import { enableStateMachineTelemetry } from './state-machine-telemetry';

/** Where manifests are read from and summaries written to, in the stack's bucket. */
export const MANIFEST_PREFIX = 'manifests/';
export const BATCH_RESULTS_PREFIX = 'batch-results/';

/** The state names of the batch workflow: the console, the summaries and the offline runtime use them. */
export const BATCH_STATES = {
  map: 'Run every document',
  hasJobId: 'Does the line name its job?',
  lineJobId: "Use the line's job id",
  indexJobId: 'Name the job by its line',
  runJob: 'Run job',
  redriven: 'Is the batch being redriven?',
  resumeJob: 'Resume job',
  taken: 'Job id already taken',
} as const;

/** The error a child start refused for a taken execution name fails with (`states:startExecution`). */
export const EXECUTION_ALREADY_EXISTS = 'StepFunctions.ExecutionAlreadyExistsException';

/** Configuration of the batch workflow. */
export interface BatchWorkflowProps {
  /** The Longform state machine each line runs on, as a child execution. */
  longform: IStateMachine;
  /** The bucket holding `manifests/` (read) and `batch-results/` (written). */
  bucket: IBucket;
  /**
   * Documents generated at once (the Distributed Map's MaxConcurrency). Size it to the account's
   * Bedrock tokens-per-minute quota (README, "Batch"). @default 10
   */
  maxConcurrency?: number;
  /**
   * Percentage of failed lines the batch tolerates and still succeeds; beyond it the Map Run fails,
   * stops the documents in flight, and a redrive re-runs only the unsuccessful ones. @default 10
   */
  toleratedFailurePercentage?: number;
  /** @default RetentionDays.ONE_MONTH */
  logRetention?: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
}

/** The manifest reader, allowed to read only under `manifests/` (CDK's own grants the whole bucket). */
class ManifestReader extends S3JsonLItemReader {
  override providePolicyStatements(): PolicyStatement[] {
    return [
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${MANIFEST_PREFIX}*`)],
      }),
    ];
  }
}

/** The summary writer, allowed to write only under `batch-results/` (CDK's own grants the whole bucket). */
class SummaryWriter extends ResultWriterV2 {
  constructor(private readonly target: IBucket) {
    super({
      bucket: target,
      prefix: BATCH_RESULTS_PREFIX,
      writerConfig: new WriterConfig({ outputType: OutputType.JSON, transformation: Transformation.NONE }),
    });
  }

  override providePolicyStatements(): PolicyStatement[] {
    return [
      new PolicyStatement({
        // What the Map Run's multipart upload of its result files needs.
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [this.target.arnForObjects(`${BATCH_RESULTS_PREFIX}*`)],
      }),
    ];
  }
}

/**
 * Many documents at once on Step Functions' own fan-out (README, "Batch"): a Standard state machine whose
 * Distributed Map reads a JSONL manifest (`{ "manifestKey": "manifests/NAME.jsonl" }`, one Longform job
 * input per line, optionally with its `jobId`) and runs each line as a child execution of the Longform
 * state machine (`startExecution.sync:2`), named by the line's job id or `<batch execution>-<line index>`,
 * so every document keeps its own rounds in the console and its own redrive. Each line's outcome goes
 * to `batch-results/` (the Map Run's SUCCEEDED/FAILED result files).
 */
export class BatchWorkflow extends Construct {
  /** The batch state machine: start it with `{ "manifestKey": "manifests/NAME.jsonl" }`. */
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: BatchWorkflowProps) {
    super(scope, id);
    // ResultWriterV2 renders only with this flag; set here, before any child, so it holds for this construct alone.
    this.node.setContext('@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2', true);

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(batchDefinition(this, props)),
    });
    enableStateMachineTelemetry(
      this.stateMachine,
      new LogGroup(this, 'StateMachineLogs', {
        retention: props.logRetention ?? RetentionDays.ONE_MONTH,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      }),
    );
    this.acknowledgeFindings(props);
  }

  /** cdk-nag findings on the batch state machine that are intended, each with its reason. */
  private acknowledgeFindings(props: BatchWorkflowProps): void {
    const { stateMachine } = this;
    Validations.of(stateMachine).acknowledge({
      id: 'AwsSolutions-SF1',
      reason:
        'Execution data carries prompts, so the batch logs errors without data; every line is a child execution with its own history.',
    });
    const stack = Stack.of(this);
    const nag = (value: string) => nagRendering(stack.resolve(value));
    acknowledgeWildcards(
      stateMachine,
      [
        nag(props.bucket.arnForObjects(`${MANIFEST_PREFIX}*`)),
        nag(props.bucket.arnForObjects(`${BATCH_RESULTS_PREFIX}*`)),
      ],
      'The batch reads any manifest under manifests/ and writes its result files under batch-results/, nothing else in the bucket.',
    );
    const executions = (arn: string, suffix: string) =>
      nag(
        stack.formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${Fn.select(6, Fn.split(':', arn))}${suffix}`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      );
    acknowledgeWildcards(
      stateMachine,
      [
        executions(props.longform.stateMachineArn, '*'),
        executions(stateMachine.stateMachineArn, ':*'),
        executions(stateMachine.stateMachineArn, '/LongformBatch:*'),
      ],
      'DescribeExecution/StopExecution on the executions of the Longform and batch state machines only (startExecution.sync:2 and the Map Run), and RedriveExecution of this Map Run.',
    );
  }
}

/**
 * A resolved ARN the way cdk-nag writes it in a finding's id: references as `<LogicalId>`,
 * `<LogicalId.Attribute>` or `<AWS::Pseudo>`, anything else as JSON.
 */
function nagRendering(resolved: unknown): string {
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (typeof resolved === 'string') return resolved;
  if (join) return join[1].map(nagRendering).join(join[0]);
  const { Ref: ref, 'Fn::GetAtt': attribute } = resolved as { Ref?: string; 'Fn::GetAtt'?: string[] };
  if (ref) return `<${ref}>`;
  if (attribute) return `<${attribute.join('.')}>`;
  return JSON.stringify(resolved);
}

/**
 * How long a line's child execution may run: 1,500 rounds (the round limit) of 15 minutes is under 16
 * days. (Kept under 24.8 days, the longest timer Node.js sets, so the offline interpreter honours it.)
 */
const CHILD_EXECUTION_TIMEOUT = Duration.days(20);

/** The batch definition: the Distributed Map over the manifest, each item a Longform child execution. */
function batchDefinition(scope: Construct, props: BatchWorkflowProps) {
  const runJob = new StepFunctionsStartExecution(scope, BATCH_STATES.runJob, {
    stateMachine: props.longform,
    integrationPattern: IntegrationPattern.RUN_JOB,
    name: JsonPath.stringAt('$.jobId'),
    input: TaskInput.fromJsonPathAt('$.input'),
    // Only the Longform output goes on, into the summary: job id, status, rounds, characters.
    outputPath: '$.Output',
    taskTimeout: Timeout.duration(CHILD_EXECUTION_TIMEOUT),
  });
  // A redriven item re-runs its failed state; its old child execution is closed, so that name is
  // refused, and the job continues from its stored rounds under a fresh execution name instead.
  const resumeJob = new StepFunctionsStartExecution(scope, BATCH_STATES.resumeJob, {
    stateMachine: props.longform,
    integrationPattern: IntegrationPattern.RUN_JOB,
    name: JsonPath.uuid(),
    input: TaskInput.fromObject({ jobId: JsonPath.stringAt('$.jobId') }),
    outputPath: '$.Output',
    taskTimeout: Timeout.duration(CHILD_EXECUTION_TIMEOUT),
  });
  const taken = new Fail(scope, BATCH_STATES.taken, {
    comment: 'Another execution already ran under this job id: give the line another jobId.',
    errorPath: '$.failure.Error',
    causePath: '$.failure.Cause',
  });
  runJob.addCatch(
    new Choice(scope, BATCH_STATES.redriven, {
      comment: 'Only a redrive resumes a job by its id: on a first run a taken id belongs to another job.',
    })
      .when(Condition.numberGreaterThan('$$.Execution.RedriveCount', 0), resumeJob)
      .otherwise(taken),
    { errors: [EXECUTION_ALREADY_EXISTS], resultPath: '$.failure' },
  );

  const named = (id: string, jobId: string) =>
    new Pass(scope, id, { parameters: { jobId, input: JsonPath.objectAt('$.line') } }).next(runJob);
  const itemProcessor = new Choice(scope, BATCH_STATES.hasJobId)
    .when(
      Condition.isPresent('$.line.jobId'),
      named(BATCH_STATES.lineJobId, JsonPath.stringAt('$.line.jobId')),
    )
    .otherwise(
      named(
        BATCH_STATES.indexJobId,
        JsonPath.format('{}-{}', JsonPath.stringAt('$.batch'), JsonPath.stringAt('$.index')),
      ),
    );

  const map = new DistributedMap(scope, BATCH_STATES.map, {
    itemReader: new ManifestReader({ bucket: props.bucket, key: JsonPath.stringAt('$.manifestKey') }),
    itemSelector: {
      batch: JsonPath.stringAt('$$.Execution.Name'),
      index: JsonPath.numberAt('$$.Map.Item.Index'),
      line: JsonPath.objectAt('$$.Map.Item.Value'),
    },
    maxConcurrency: props.maxConcurrency ?? 10,
    toleratedFailurePercentage: props.toleratedFailurePercentage ?? 10,
    resultWriterV2: new SummaryWriter(props.bucket),
    mapExecutionType: StateMachineType.STANDARD,
    label: 'LongformBatch',
  });
  map.itemProcessor(itemProcessor);
  return map;
}
