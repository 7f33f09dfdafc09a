import { Aws, type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { DefinitionBody, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../functions/adapters/job-table-keys';
import { acknowledgeWildcards, rolePolicyOf } from './acknowledge-wildcards';
import { BatchWorkflow } from './batch-workflow';
import { bedrockInvokeResources } from './bedrock-model-arns';
import { allowDocumentWrites, createDocumentsBucket } from './documents-bucket';
import { FailedExecutionRecorder } from './failed-execution-recorder';
import { LongformFunction } from './longform-function';
import {
  OperationsAlarms,
  roundLatencyAlarmMs,
  THROTTLING_ALARM_PERCENT,
  THROTTLING_MINIMUM_CALLS,
} from './operations-alarms';
import { OperationsDashboard } from './operations-dashboard';
import { METRICS_NAMESPACE, SERVICE_NAME } from './operations-metrics';
import { enableStateMachineTelemetry } from './state-machine-telemetry';
import { workflowDefinition } from './workflow-definition';
import { STEP_KEYS, type StepKey, WORKFLOW_STEPS } from './workflow-steps';

/** Configuration of a Longform deployment; every field has a default. */
export interface LongformProps {
  /** Model (or inference profile) id for jobs that name none. @default us.anthropic.claude-haiku-4-5-20251001-v1:0 */
  defaultModelId?: string;
  /** Ids a job may name; IAM allows exactly these. An empty list allows any model. @default [defaultModelId] */
  allowedModelIds?: string[];
  /** Default output-token budget of one round. @default 4096 */
  maxTokensPerRound?: number;
  /**
   * Largest output-token budget a job may ask for per round, below the model's own output limit. A
   * round streams and commits what arrived when its time runs out (docs/architecture.md, "Time-boxed
   * rounds"), so no cap is needed for the Lambda timeout. @default the model's output limit
   */
  maxTokensPerRoundLimit?: number;
  /**
   * Timeout of the round function: a round reads its stream until this much less a reserve for its
   * writes (20 s), then continues in the next round. At most 15 minutes (Lambda's limit).
   * @default Duration.minutes(15)
   */
  roundTimeout?: Duration;
  /** Default round limit of a job. @default 200 */
  maxRounds?: number;
  /** Days a finished job stays in the table before TTL deletes it. @default 30 */
  jobTtlDays?: number;
  /** Retention of the functions' and the state machine's logs. @default RetentionDays.ONE_MONTH */
  logRetention?: RetentionDays;
  /** What happens to the table, the documents bucket and the log groups when they leave the stack. @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
  /**
   * Whether `Finalize job` writes each finished document to an S3 bucket of the stack
   * (`documents/<jobId>.md`, kept `jobTtlDays`). `LongformStack` defaults it to true.
   * @default false
   */
  documentsBucket?: boolean;
  /**
   * Documents a batch generates at once (its Distributed Map's MaxConcurrency): size it to the account's
   * Bedrock tokens-per-minute quota (README, "Batch"). @default 10
   */
  batchMaxConcurrency?: number;
  /** Percentage of a batch's lines that may fail with the batch still succeeding. @default 10 */
  batchToleratedFailurePercentage?: number;
  /** Where every alarm (failed executions, throttling, round latency, dead letters) sends its notification. @default no action */
  alarmTopic?: ITopic;
}

/** The default model: fast and cheap, 64K output, and it continues from a prefill. */
export const DEFAULT_MODEL_ID = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';

/**
 * Longform: a Standard Step Functions workflow that asks Amazon Bedrock for a document round by
 * round until the model ends its turn, storing the text in one DynamoDB table (docs/architecture.md).
 * Start an execution with `{ "prompt": "..." }`; the execution name is the job id.
 */
export class Longform extends Construct {
  /** The job table (`pk`/`sk`, TTL on `expiresAt`). */
  readonly table: TableV2;
  /** The workflow; its execution name is the job id. */
  readonly stateMachine: StateMachine;
  /** The Lambda function of each workflow step. */
  readonly functions: Record<StepKey, NodejsFunction>;
  /** Marks jobs of failed or timed-out executions FAILED; its dead-letter alarm is among {@link alarms}. */
  readonly failedExecutions: FailedExecutionRecorder;
  /** Where finished documents are written, when the `documentsBucket` prop is set. */
  readonly documentsBucket?: IBucket;
  /** Runs many documents from a JSONL manifest in the documents bucket (only when there is one). */
  readonly batch?: BatchWorkflow;
  /** The workflow's alarms; `alarms.addAction(...)` sends them somewhere (the `alarmTopic` prop does so for SNS). */
  readonly alarms: OperationsAlarms;
  /** Executions, rounds, tokens, latency, throttling and documents on one CloudWatch dashboard. */
  readonly dashboard: OperationsDashboard;

  constructor(scope: Construct, id: string, props: LongformProps = {}) {
    super(scope, id);
    const defaultModelId = props.defaultModelId ?? DEFAULT_MODEL_ID;
    const allowedModelIds = props.allowedModelIds ?? [defaultModelId];
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const jobTtlDays = props.jobTtlDays ?? 30;

    this.table = new TableV2(this, 'Jobs', {
      partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // Prompts and documents are customer data: the AWS managed key (aws/dynamodb) puts their
      // encryption under KMS with every key use in CloudTrail, at no key cost and with no key
      // policy to get wrong. A customer managed key adds rotation control and cross-account
      // revocation, which a single-account workflow does not need.
      encryption: TableEncryptionV2.awsManagedKey(),
      removalPolicy,
    });

    const environment: Record<string, string> = {
      TABLE_NAME: this.table.tableName,
      DEFAULT_MODEL_ID: defaultModelId,
      ALLOWED_MODEL_IDS: allowedModelIds.join(','),
      DEFAULT_MAX_TOKENS_PER_ROUND: String(props.maxTokensPerRound ?? 4096),
      ...(props.maxTokensPerRoundLimit
        ? { MAX_TOKENS_PER_ROUND_LIMIT: String(props.maxTokensPerRoundLimit) }
        : {}),
      DEFAULT_MAX_ROUNDS: String(props.maxRounds ?? 200),
      JOB_TTL_DAYS: String(jobTtlDays),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };
    const create = (key: StepKey): NodejsFunction => {
      const step =
        key === 'generateRound' && props.roundTimeout
          ? { ...WORKFLOW_STEPS[key], timeout: props.roundTimeout }
          : WORKFLOW_STEPS[key];
      const { function: fn } = new LongformFunction(this, step.constructId, {
        step,
        environment,
        logRetention,
        removalPolicy,
      });
      this.table.grant(fn, ...step.tableActions);
      return fn;
    };
    this.functions = Object.fromEntries(STEP_KEYS.map((key) => [key, create(key)])) as Record<
      StepKey,
      NodejsFunction
    >;
    this.allowBedrock(allowedModelIds);
    this.allowEvents();
    if (props.documentsBucket) {
      const bucket = createDocumentsBucket(this, 'Documents', { expirationDays: jobTtlDays, removalPolicy });
      this.functions.finalize.addEnvironment('DOCUMENTS_BUCKET', bucket.bucketName);
      allowDocumentWrites(bucket, this.functions.finalize);
      this.documentsBucket = bucket;
    }

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(workflowDefinition(this, this.functions)),
    });
    enableStateMachineTelemetry(
      this.stateMachine,
      new LogGroup(this, 'StateMachineLogs', { retention: logRetention, removalPolicy }),
    );
    this.acknowledgeStateMachineFindings();
    this.failedExecutions = new FailedExecutionRecorder(this, 'FailedExecutions', {
      stateMachine: this.stateMachine,
      recordFailure: this.functions.recordFailure,
      removalPolicy,
    });
    if (this.documentsBucket) {
      this.batch = new BatchWorkflow(this, 'Batch', {
        longform: this.stateMachine,
        bucket: this.documentsBucket,
        ...(props.batchMaxConcurrency !== undefined ? { maxConcurrency: props.batchMaxConcurrency } : {}),
        ...(props.batchToleratedFailurePercentage !== undefined
          ? { toleratedFailurePercentage: props.batchToleratedFailurePercentage }
          : {}),
        logRetention,
        removalPolicy,
      });
    }

    const roundTimeout = props.roundTimeout ?? WORKFLOW_STEPS.generateRound.timeout;
    this.alarms = new OperationsAlarms(this, 'Alarms', {
      stateMachine: this.stateMachine,
      roundTimeout,
      otherAlarms: [this.failedExecutions.deadLetterAlarm],
    });
    if (props.alarmTopic) this.alarms.addAction(new SnsAction(props.alarmTopic));
    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      dashboardName: `Longform-${Stack.of(this).stackName}`,
      stateMachine: this.stateMachine,
      alarms: this.alarms.all,
      roundLatencyAlarmMs: roundLatencyAlarmMs(roundTimeout),
      throttlingAlarmPercent: THROTTLING_ALARM_PERCENT,
      throttlingMinimumCalls: THROTTLING_MINIMUM_CALLS,
    });
  }

  /**
   * Lets the two steps that report a job's end (`Finalize job`, and `Record failure`, which the
   * failed-execution recorder also invokes) put events on the account's default bus, and nothing else.
   */
  private allowEvents(): void {
    const bus = EventBus.fromEventBusName(this, 'DefaultEventBus', 'default');
    for (const fn of [this.functions.finalize, this.functions.recordFailure]) {
      fn.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
      bus.grantPutEventsTo(fn);
    }
  }

  /** Lets the round function invoke exactly the allowed models (both ARNs of an inference profile). */
  private allowBedrock(allowedModelIds: readonly string[]): void {
    const round = this.functions.generateRound;
    round.addToRolePolicy(
      new PolicyStatement({
        // Every round streams (ConverseStream, InvokeModelWithResponseStream), which is all this action allows.
        actions: ['bedrock:InvokeModelWithResponseStream'],
        resources: bedrockInvokeResources(allowedModelIds, {
          partition: Aws.PARTITION,
          region: Aws.REGION,
          account: Aws.ACCOUNT_ID,
        }),
      }),
    );
    // The same ARNs as cdk-nag writes them; wildcards are the regions a profile routes to, or "any model".
    const rendered = bedrockInvokeResources(allowedModelIds, {
      partition: '<AWS::Partition>',
      region: '<AWS::Region>',
      account: '<AWS::AccountId>',
    });
    acknowledgeWildcards(
      rolePolicyOf(round),
      rendered.filter((arn) => arn.includes('*')),
      allowedModelIds.length === 0
        ? 'allowedModelIds is empty, which the deployer uses to allow any Bedrock model and inference profile.'
        : 'An inference profile sends each request to its foundation model in any region of its geography, so the model ARN must match every region.',
    );
  }

  /** cdk-nag findings on the state machine that are intended, each with its reason. */
  private acknowledgeStateMachineFindings(): void {
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-SF1',
      reason:
        'Execution data carries prompts, so the default log level is ERROR without data; the execution history in the console shows every step.',
    });
    const stack = Stack.of(this);
    acknowledgeWildcards(
      this.stateMachine.role.node.findChild('DefaultPolicy'),
      Object.values(this.functions).map(
        (fn) => `<${stack.getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*`,
      ),
      'lambda:InvokeFunction on the versions and aliases (<arn>:*) of the Longform functions only.',
    );
  }
}
