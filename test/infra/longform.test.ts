import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { RETRIABLE_ERROR_NAMES } from '../../functions/core/errors';
import { WORKFLOW_STEPS } from '../../infra/workflow-steps';
import { synthStack } from './synth';

const PROFILE_ID = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const PLAIN_ID = 'amazon.nova-pro-v1:0';
const LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
];

type Json = Record<string, unknown>;
interface TaskState {
  Type: string;
  Resource: string;
  TimeoutSeconds: number;
  Retry: Json[];
  Catch?: Json[];
  Parameters: Json;
  Next?: string;
}

const stack = synthStack({ allowedModelIds: [PROFILE_ID, PLAIN_ID], maxRounds: 300 });
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Json }>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** The definition with each `Fn::GetAtt` written as `<LogicalId>`. */
const [[, stateMachine] = []] = ofType('AWS::StepFunctions::StateMachine');
const definitionString = stateMachine?.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] };
const definition = JSON.parse(
  definitionString['Fn::Join'][1]
    .map((part) =>
      typeof part === 'string' ? part : `<${(part as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]}>`,
    )
    .join(''),
) as { StartAt: string; States: Record<string, Json> };
const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task') as unknown as [
  string,
  TaskState,
][];
const functionOf = (task: TaskState) => resources[task.Resource.slice(1, -1)] as { Properties: Json };
const isRecordFailure = (task: TaskState) =>
  (functionOf(task).Properties.Description as string) === WORKFLOW_STEPS.recordFailure.description;

describe('Longform state machine', () => {
  it('is a Standard JSONPath workflow with ERROR logging without execution data, and X-Ray', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
    expect(stateMachine?.Properties).not.toHaveProperty('QueryLanguage');
    expect(definition).not.toHaveProperty('QueryLanguage');
    expect(JSON.stringify(definition)).not.toContain('JSONata');
  });

  it('invokes the four handlers as tasks, each passing only the handler result on', () => {
    expect(tasks.map(([name]) => name).sort()).toEqual([
      'Finalize job',
      'Generate next part',
      'Initialize job',
      'Record failure',
    ]);
    expect(definition.StartAt).toBe('Initialize job');
    for (const [, task] of tasks) {
      expect(task.Resource).toMatch(/^<Longform.*Function[0-9A-F]{8}>$/);
      expect(task).not.toHaveProperty('ResultPath');
      expect(task).not.toHaveProperty('OutputPath');
    }
    expect(definition.States['Initialize job']).toMatchObject({
      Parameters: { 'jobId.$': '$$.Execution.Name', 'input.$': '$$.Execution.Input' },
      Next: 'Generate next part',
    });
    // The execution and its redrive count: a redrive claims the job, and the late end of the run it
    // continues leaves the job alone.
    expect(definition.States['Generate next part']).toMatchObject({
      Parameters: {
        'jobId.$': '$.jobId',
        'round.$': '$.nextRound',
        'executionName.$': '$$.Execution.Name',
        'redriveCount.$': '$$.Execution.RedriveCount',
      },
    });
    expect(definition.States['Record failure']).toMatchObject({
      Parameters: {
        'jobId.$': '$$.Execution.Name',
        'failure.$': '$',
        'redriveCount.$': '$$.Execution.RedriveCount',
      },
      Next: 'Job failed',
    });
  });

  it('loops while the round says continue and fails with the handler error and cause otherwise', () => {
    expect(definition.States['Is the document finished?']).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.next', StringEquals: 'continue', Next: 'Generate next part' }],
      Default: 'Finalize job',
    });
    expect(definition.States['Did the job complete?']).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.status', StringEquals: 'COMPLETED', Next: 'Document ready' }],
      Default: 'Job ended early',
    });
    expect(definition.States['Document ready']).toMatchObject({ Type: 'Succeed' });
    for (const name of ['Job ended early', 'Job failed']) {
      expect(definition.States[name]).toMatchObject({
        Type: 'Fail',
        ErrorPath: '$.error',
        CausePath: '$.cause',
      });
    }
  });

  it('retries transient and Lambda service errors on every task with capped, jittered backoff', () => {
    const backoff = { IntervalSeconds: 2, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: 'FULL' };
    for (const [name, task] of tasks) {
      if (isRecordFailure(task)) {
        // The job is already marked FAILED when the event bus refuses its announcement: retry that too.
        expect(task.Retry, name).toEqual([
          { ...backoff, MaxAttempts: 15, ErrorEquals: [...LAMBDA_ERRORS, 'EventBusUnavailableError'] },
        ]);
        continue;
      }
      // Short budgets first (Step Functions uses the first retrier that matches), then the full one.
      expect(task.Retry, name).toEqual([
        { ...backoff, MaxAttempts: 1, ErrorEquals: ['RoundDeadlineError'] },
        { ...backoff, MaxAttempts: 2, ErrorEquals: ['BedrockModelError'] },
        { ...backoff, MaxAttempts: 3, ErrorEquals: ['BedrockTimeoutError'] },
        {
          ...backoff,
          MaxAttempts: 15,
          ErrorEquals: [
            ...RETRIABLE_ERROR_NAMES.filter(
              (error) => !['RoundDeadlineError', 'BedrockModelError', 'BedrockTimeoutError'].includes(error),
            ),
            ...LAMBDA_ERRORS,
          ],
        },
      ]);
    }
    expect(RETRIABLE_ERROR_NAMES).toEqual(
      expect.arrayContaining(['BedrockThrottlingError', 'BedrockUnavailableError', 'StoreUnavailableError']),
    );
  });

  it('catches every error of Initialize and Finalize into Record failure, the error output replacing the state', () => {
    for (const [name, task] of tasks) {
      // Record failure ends the failure path; Generate next part fails in place so a redrive resumes it.
      if (isRecordFailure(task) || name === 'Generate next part') {
        expect(task.Catch, name).toBeUndefined();
        continue;
      }
      expect(task.Catch, name).toEqual([{ ErrorEquals: ['States.ALL'], Next: 'Record failure' }]);
    }
  });

  it('times out every task shortly after its function would', () => {
    for (const [name, task] of tasks) {
      const timeout = functionOf(task).Properties.Timeout as number;
      expect(task.TimeoutSeconds, name).toBeGreaterThan(timeout);
      expect(task.TimeoutSeconds, name).toBeLessThanOrEqual(timeout + 60);
    }
    expect(
      functionOf(definition.States['Generate next part'] as unknown as TaskState).Properties.Timeout,
    ).toBe(900);
  });
});

describe('Longform functions', () => {
  const functions = ofType('AWS::Lambda::Function');

  it('run Node.js 22 on arm64 with active tracing, sized per step, with the stack configuration', () => {
    expect(functions).toHaveLength(4);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Environment: {
          Variables: {
            TABLE_NAME: { Ref: ofType('AWS::DynamoDB::GlobalTable')[0]?.[0] },
            DEFAULT_MODEL_ID: PROFILE_ID,
            ALLOWED_MODEL_IDS: `${PROFILE_ID},${PLAIN_ID}`,
            DEFAULT_MAX_TOKENS_PER_ROUND: '4096',
            DEFAULT_MAX_ROUNDS: '300',
            JOB_TTL_DAYS: '30',
            POWERTOOLS_SERVICE_NAME: 'longform',
            POWERTOOLS_METRICS_NAMESPACE: 'Longform',
            POWERTOOLS_LOG_LEVEL: 'INFO',
          },
        },
      });
      const spec = Object.values(WORKFLOW_STEPS).find((h) => h.description === fn.Properties.Description);
      expect(fn.Properties.Timeout).toBe(spec?.timeout.toSeconds());
      expect(fn.Properties.MemorySize).toBe(spec?.memorySize);
      // No round cap: a round streams and commits what arrived when its time runs out.
      expect(fn.Properties).not.toHaveProperty('Environment.Variables.MAX_TOKENS_PER_ROUND_LIMIT');
    }
  });

  it("give the round function the stack's roundTimeout, and a round cap only when one is set", () => {
    const custom = Template.fromStack(
      synthStack({ roundTimeout: Duration.seconds(120), maxTokensPerRoundLimit: 64_000 }),
    ).toJSON().Resources as Record<string, { Type: string; Properties: Json }>;
    const round = Object.values(custom).find(
      (r) =>
        r.Type === 'AWS::Lambda::Function' &&
        r.Properties.Description === WORKFLOW_STEPS.generateRound.description,
    );
    expect(round?.Properties.Timeout).toBe(120);
    expect(round?.Properties).toHaveProperty('Environment.Variables.MAX_TOKENS_PER_ROUND_LIMIT', '64000');
  });

  it('log to their own log groups with retention; roles carry no managed policies', () => {
    for (const [, fn] of functions) {
      const { LogGroup } = fn.Properties.LoggingConfig as { LogGroup: { Ref: string } };
      expect(resources[LogGroup.Ref]?.Type).toBe('AWS::Logs::LogGroup');
    }
    const logGroups = ofType('AWS::Logs::LogGroup');
    // One per function and one per state machine (the workflow's and the batch's).
    expect(logGroups).toHaveLength(6);
    for (const [, group] of logGroups) expect(group.Properties.RetentionInDays).toBe(30);
    for (const [, role] of ofType('AWS::IAM::Role'))
      expect(role.Properties).not.toHaveProperty('ManagedPolicyArns');
  });
});

describe('Longform IAM', () => {
  const statements = ofType('AWS::IAM::Policy').flatMap(([id, policy]) =>
    ((policy.Properties.PolicyDocument as { Statement: Json[] }).Statement ?? []).map((statement) => ({
      id,
      statement,
    })),
  );
  const actions = (statement: Json) => [statement.Action].flat() as string[];

  it('never allows a wildcard action', () => {
    for (const { id, statement } of statements) {
      for (const action of actions(statement)) expect(action, id).not.toContain('*');
    }
  });

  it('keeps wildcard resources to X-Ray and log delivery, each in a policy of its own', () => {
    const wildcards = statements.filter(({ statement }) => statement.Resource === '*');
    expect(wildcards.length).toBeGreaterThan(0);
    for (const { id, statement } of wildcards) {
      // The state machine's log delivery and X-Ray, apart from its role's default policy (Lambda invokes).
      if (/^Longform(Batch)?StateMachineTelemetryPolicy/.test(id)) {
        expect(
          actions(statement).every((a) => a.startsWith('xray:') || a.startsWith('logs:')),
          id,
        ).toBe(true);
        continue;
      }
      expect(id).toMatch(/^Longform\w+TracingPolicy/);
      expect(actions(statement)).toEqual(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
      expect(resources[id]?.Properties.PolicyDocument).toEqual({
        Statement: [statement],
        Version: '2012-10-17',
      });
    }
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      expect((fn as { DependsOn?: string[] }).DependsOn, id).toContainEqual(
        expect.stringMatching(/TracingPolicy/),
      );
    }
    // Step Functions checks the log delivery permissions when it creates the state machine.
    expect((stateMachine as { DependsOn?: string[] }).DependsOn).toContainEqual(
      expect.stringMatching(/^LongformStateMachineTelemetryPolicy/),
    );
  });

  it('allows only bedrock:InvokeModelWithResponseStream, only to the round function, on exactly the allowed models', () => {
    const bedrock = statements.filter(({ statement }) =>
      actions(statement).some((a) => a.startsWith('bedrock:')),
    );
    expect(bedrock).toHaveLength(1);
    expect(bedrock[0]?.id).toMatch(/^LongformGenerateRoundRole/);
    const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
    const partition = { Ref: 'AWS::Partition' };
    expect(bedrock[0]?.statement).toEqual({
      Action: 'bedrock:InvokeModelWithResponseStream',
      Effect: 'Allow',
      Resource: [
        join(
          'arn:',
          partition,
          ':bedrock:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:inference-profile/${PROFILE_ID}`,
        ),
        join('arn:', partition, ':bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0'),
        join('arn:', partition, `:bedrock:*::foundation-model/${PLAIN_ID}`),
      ],
    });
  });

  it('allows DynamoDB only on the job table, and only the calls each handler makes', () => {
    const tableArn = { 'Fn::GetAtt': [ofType('AWS::DynamoDB::GlobalTable')[0]?.[0], 'Arn'] };
    const dynamo = statements.filter(({ statement }) =>
      actions(statement).some((a) => a.startsWith('dynamodb:')),
    );
    expect(dynamo).toHaveLength(4);
    const byRole: Record<string, string[]> = {};
    for (const { id, statement } of dynamo) {
      expect(statement.Resource, id).toEqual(tableArn);
      expect(statement.Effect).toBe('Allow');
      byRole[id.replace(/RoleDefaultPolicy.*$/, '')] = actions(statement).sort();
    }
    expect(byRole).toEqual({
      LongformInitializeJob: [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
      LongformGenerateRound: [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ],
      LongformFinalizeJob: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      LongformRecordFailure: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    });
  });

  it('lets only Finalize job and Record failure put events, on the default bus alone, which they are told', () => {
    const events = statements.filter(({ statement }) => actions(statement).includes('events:PutEvents'));
    expect(events.map(({ id }) => id.replace(/RoleDefaultPolicy.*$/, '')).sort()).toEqual([
      'LongformFinalizeJob',
      'LongformRecordFailure',
    ]);
    const defaultBus = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':events:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':event-bus/default',
        ],
      ],
    };
    for (const { statement } of events) {
      expect(statement).toEqual({ Action: 'events:PutEvents', Effect: 'Allow', Resource: defaultBus });
    }
    const told = ofType('AWS::Lambda::Function').filter(
      ([, fn]) => (fn.Properties.Environment as { Variables: Json }).Variables.EVENT_BUS_NAME === 'default',
    );
    expect(told.map(([, fn]) => fn.Properties.Description).sort()).toEqual(
      [WORKFLOW_STEPS.finalize.description, WORKFLOW_STEPS.recordFailure.description].sort(),
    );
  });

  it('lets the state machine invoke only the four functions', () => {
    const invoke = statements.filter(({ statement }) => actions(statement).includes('lambda:InvokeFunction'));
    expect(invoke.every(({ id }) => id.startsWith('LongformStateMachineRole'))).toBe(true);
    const targets = new Set(
      invoke.flatMap(({ statement }) =>
        JSON.stringify(statement.Resource).match(/Longform\w+Function[0-9A-F]{8}/g),
      ),
    );
    expect([...targets].sort()).toEqual(
      ofType('AWS::Lambda::Function')
        .map(([id]) => id)
        .sort(),
    );
  });
});

describe('Longform table', () => {
  it('is on demand with point-in-time recovery, TTL on expiresAt, KMS encryption, and retained', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [
          Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
        ],
      },
    });
  });
});

describe('LongformStack', () => {
  it('outputs the state machine ARN, the table name and a console link', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const machineRef = { Ref: ofType('AWS::StepFunctions::StateMachine')[0]?.[0] };
    expect(outputs.StateMachineArn?.Value).toEqual(machineRef);
    expect(outputs.TableName?.Value).toEqual({ Ref: ofType('AWS::DynamoDB::GlobalTable')[0]?.[0] });
    const [batchMachine] = ofType('AWS::StepFunctions::StateMachine').filter(([id]) =>
      id.startsWith('LongformBatch'),
    );
    expect(outputs.BatchStateMachineArn?.Value).toEqual({ Ref: batchMachine?.[0] });
    const region = { Ref: 'AWS::Region' };
    expect(outputs.ConsoleLink?.Value).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          region,
          '.console.aws.amazon.com/states/home?region=',
          region,
          '#/statemachines/view/',
          machineRef,
        ],
      ],
    });
  });

  it('applies the defaults and the removal and retention props', () => {
    const other = Template.fromStack(
      synthStack({ removalPolicy: RemovalPolicy.DESTROY, logRetention: RetentionDays.ONE_WEEK }),
    );
    other.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
    other.allResources('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Delete',
      Properties: { RetentionInDays: 7 },
    });
    other.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ ALLOWED_MODEL_IDS: PROFILE_ID, DEFAULT_MAX_ROUNDS: '200' }),
      },
    });
  });
});

describe('failed executions recorded on their job', () => {
  const rules = ofType('AWS::Events::Rule').map(([, rule]) => rule.Properties);
  const recordFailureId = Object.entries(resources).find(
    ([id, resource]) => resource.Type === 'AWS::Lambda::Function' && id.includes('RecordFailure'),
  )?.[0];

  it('sends every FAILED, TIMED_OUT or ABORTED execution of this state machine to Record failure', () => {
    expect(rules.map((rule) => (rule.EventPattern as Json).detail)).toEqual([
      { stateMachineArn: [{ Ref: expect.stringMatching(/StateMachine/) }], status: ['FAILED'] },
      { stateMachineArn: [{ Ref: expect.stringMatching(/StateMachine/) }], status: ['TIMED_OUT'] },
      { stateMachineArn: [{ Ref: expect.stringMatching(/StateMachine/) }], status: ['ABORTED'] },
    ]);
    for (const rule of rules) {
      const [target] = rule.Targets as Json[];
      expect(target?.Arn).toEqual({ 'Fn::GetAtt': [recordFailureId, 'Arn'] });
      const transformer = target?.InputTransformer as { InputPathsMap: Json; InputTemplate: string };
      expect(transformer.InputPathsMap['detail-name']).toBe('$.detail.name');
      expect(transformer.InputTemplate).toMatch(/"jobId":<detail-name>,"failure":\{"Error":/);
    }
  });

  it('retries each delivery, then keeps what could not be recorded in an encrypted dead-letter queue', () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(queues).toHaveLength(1);
    const [queueId, queue] = queues[0] as [string, { Properties: Json }];
    const queueArn = { 'Fn::GetAtt': [queueId, 'Arn'] };
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
    for (const rule of rules) {
      expect((rule.Targets as Json[])[0]).toMatchObject({
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 },
        DeadLetterConfig: { Arn: queueArn },
      });
    }
    // EventBridge invokes asynchronously: a failing function is retried by Lambda, and ends in the same queue.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: recordFailureId },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
    const [, policy] = ofType('AWS::SQS::QueuePolicy')[0] as [string, { Properties: Json }];
    const { Statement } = policy.Properties.PolicyDocument as { Statement: Json[] };
    expect(Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // Only the recorder's rules may send to it.
    const senders = Statement.filter((statement) => statement.Effect === 'Allow').map((statement) => {
      expect(statement).toMatchObject({
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
      });
      return (statement.Condition as { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': string[] } } })
        .ArnEquals['aws:SourceArn']['Fn::GetAtt'][0];
    });
    expect(senders.sort()).toEqual(
      ofType('AWS::Events::Rule')
        .map(([id]) => id)
        .sort(),
    );
  });

  it('alarms as soon as the dead-letter queue holds a message', () => {
    const [queueId] = ofType('AWS::SQS::Queue')[0] ?? [];
    const queueAlarms = ofType('AWS::CloudWatch::Alarm').filter(
      ([, alarm]) => alarm.Properties.Namespace === 'AWS/SQS',
    );
    expect(queueAlarms).toHaveLength(1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });
});
