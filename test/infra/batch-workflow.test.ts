import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { type CfnStateMachine, DefinitionBody, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { BATCH_STATES, BatchWorkflow, EXECUTION_ALREADY_EXISTS } from '../../infra/batch-workflow';

type Json = Record<string, unknown>;

function synth(props: { maxConcurrency?: number; toleratedFailurePercentage?: number } = {}) {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Test');
  // Any Standard state machine stands in for Longform's: the batch only starts and follows it.
  const longform = {
    stateMachine: new StateMachine(stack, 'Longform', {
      definitionBody: DefinitionBody.fromChainable(new Pass(stack, 'Generate')),
    }),
  };
  const bucket = new Bucket(stack, 'Documents');
  const batch = new BatchWorkflow(stack, 'Batch', { longform: longform.stateMachine, bucket, ...props });
  return { stack, batch, bucket, longform };
}

const { stack, batch, bucket, longform } = synth({ maxConcurrency: 16, toleratedFailurePercentage: 5 });
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Json }>;
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);
const ref = (value: unknown): string => {
  const { Ref, 'Fn::GetAtt': attribute } = value as { Ref?: string; 'Fn::GetAtt'?: string[] };
  return Ref ? `<${Ref}>` : attribute ? `<${attribute.join('.')}>` : JSON.stringify(value);
};
/** The definition with each reference written as `<LogicalId>`. */
const definition = JSON.parse(
  (
    (resources[logicalId(batch.stateMachine)] as { Properties: Json }).Properties.DefinitionString as {
      'Fn::Join': [string, unknown[]];
    }
  )['Fn::Join'][1]
    .map((part) => (typeof part === 'string' ? part : ref(part)))
    .join(''),
) as { StartAt: string; States: Record<string, Json> };
const map = definition.States[BATCH_STATES.map] as Json & {
  ItemProcessor: { ProcessorConfig: Json; StartAt: string; States: Record<string, Json> };
};
const items = map.ItemProcessor.States;
const LONGFORM = `<${logicalId(longform.stateMachine)}>`;
const BUCKET = `<${logicalId(bucket)}>`;

/** Every statement of the batch state machine's role, flattened to [action, resource]. */
const grants = Object.entries(resources)
  .filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.startsWith('Batch'))
  .flatMap(([, r]) => (r.Properties.PolicyDocument as { Statement: Json[] }).Statement)
  .flatMap((statement) =>
    [statement.Action]
      .flat()
      .flatMap((action) =>
        [statement.Resource].flat().map((resource) => [action as string, JSON.stringify(resource)]),
      ),
  );
const resourcesOf = (action: string) => grants.filter(([a]) => a === action).map(([, r]) => r);

describe('BatchWorkflow definition', () => {
  it('is a Standard state machine starting at a Distributed Map of Standard child workflows', () => {
    const properties = resources[logicalId(batch.stateMachine)]?.Properties;
    expect(properties?.StateMachineType).toBe('STANDARD');
    // Execution data carries prompts: errors only, without data; X-Ray on.
    expect(properties?.LoggingConfiguration).toMatchObject({ Level: 'ERROR', IncludeExecutionData: false });
    expect(properties?.TracingConfiguration).toEqual({ Enabled: true });
    expect(definition.StartAt).toBe(BATCH_STATES.map);
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
  });

  it('reads the JSONL manifest named by the input from the bucket', () => {
    expect(map.ItemReader).toEqual({
      Resource: 'arn:<AWS::Partition>:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSONL' },
      Parameters: { Bucket: BUCKET, 'Key.$': '$.manifestKey' },
    });
  });

  it('takes MaxConcurrency and ToleratedFailurePercentage from its props, with defaults', () => {
    expect([map.MaxConcurrency, map.ToleratedFailurePercentage]).toEqual([16, 5]);
    const defaults = synth();
    const text = JSON.stringify(
      defaults.stack.resolve(
        (defaults.batch.stateMachine.node.defaultChild as CfnStateMachine).definitionString,
      ),
    );
    expect(text).toContain('\\"MaxConcurrency\\":10');
    expect(text).toContain('\\"ToleratedFailurePercentage\\":10');
  });

  it('writes every item result under batch-results/ in the same bucket', () => {
    expect(map.ResultWriter).toEqual({
      Resource: 'arn:<AWS::Partition>:states:::s3:putObject',
      Parameters: { Bucket: BUCKET, Prefix: 'batch-results/' },
      WriterConfig: { OutputType: 'JSON', Transformation: 'NONE' },
    });
  });

  it("hands each item the batch execution's name, the line index and the line", () => {
    expect(map.ItemSelector).toEqual({
      'batch.$': '$$.Execution.Name',
      'index.$': '$$.Map.Item.Index',
      'line.$': '$$.Map.Item.Value',
    });
  });

  it("names each child by the line's jobId, else <batch>-<index>, with the line as its input", () => {
    const choice = items[BATCH_STATES.hasJobId] as { Choices: Json[]; Default: string };
    expect(map.ItemProcessor.StartAt).toBe(BATCH_STATES.hasJobId);
    expect(choice.Choices).toEqual([
      { Variable: '$.line.jobId', IsPresent: true, Next: BATCH_STATES.lineJobId },
    ]);
    expect(choice.Default).toBe(BATCH_STATES.indexJobId);
    expect(items[BATCH_STATES.lineJobId]?.Parameters).toEqual({
      'jobId.$': '$.line.jobId',
      'input.$': '$.line',
    });
    expect(items[BATCH_STATES.indexJobId]?.Parameters).toEqual({
      'jobId.$': "States.Format('{}-{}', $.batch, $.index)",
      'input.$': '$.line',
    });
  });

  it('runs each line as a Longform child execution and waits for it (startExecution.sync:2)', () => {
    expect(items[BATCH_STATES.runJob]).toMatchObject({
      Type: 'Task',
      Resource: 'arn:<AWS::Partition>:states:::states:startExecution.sync:2',
      Parameters: { StateMachineArn: LONGFORM, 'Name.$': '$.jobId', 'Input.$': '$.input' },
      OutputPath: '$.Output',
    });
    // No catch-all: a failed child fails its item, so the Map Run counts it and a redrive re-runs it.
    expect(items[BATCH_STATES.runJob]?.Catch).toEqual([
      { ErrorEquals: [EXECUTION_ALREADY_EXISTS], ResultPath: '$.failure', Next: BATCH_STATES.redriven },
    ]);
  });

  it('resumes a redriven item under a fresh name, and refuses a taken job id on a first run', () => {
    expect(items[BATCH_STATES.redriven]).toMatchObject({
      Choices: [
        { Variable: '$$.Execution.RedriveCount', NumericGreaterThan: 0, Next: BATCH_STATES.resumeJob },
      ],
      Default: BATCH_STATES.taken,
    });
    expect(items[BATCH_STATES.resumeJob]).toMatchObject({
      Resource: 'arn:<AWS::Partition>:states:::states:startExecution.sync:2',
      Parameters: { StateMachineArn: LONGFORM, 'Name.$': 'States.UUID()', Input: { 'jobId.$': '$.jobId' } },
    });
    expect(items[BATCH_STATES.taken]).toMatchObject({ Type: 'Fail', ErrorPath: '$.failure.Error' });
    // Only a redriven item's refused start resumes, and a failed resume fails its item. A taken id ends in
    // that Fail state, where a redrive restarts the item: it fails again rather than resuming another job.
    const toResume = Object.entries(items)
      .filter(([, state]) => JSON.stringify(state).includes(`"${BATCH_STATES.resumeJob}"`))
      .map(([name]) => name);
    expect(toResume).toEqual([BATCH_STATES.redriven]);
    expect(items[BATCH_STATES.resumeJob]).not.toHaveProperty('Catch');
  });
});

describe('BatchWorkflow IAM', () => {
  it('reads only manifests/ and writes only batch-results/ of the bucket', () => {
    expect(resourcesOf('s3:GetObject').sort()).toEqual(
      [
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [BUCKET.slice(1, -1), 'Arn'] }, '/batch-results/*']] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [BUCKET.slice(1, -1), 'Arn'] }, '/manifests/*']] },
      ]
        .map((r) => JSON.stringify(r))
        .sort(),
    );
    expect(resourcesOf('s3:PutObject')).toEqual([
      JSON.stringify({
        'Fn::Join': ['', [{ 'Fn::GetAtt': [BUCKET.slice(1, -1), 'Arn'] }, '/batch-results/*']],
      }),
    ]);
    expect(
      grants
        .filter(([action]) => action?.startsWith('s3:'))
        .map(([a]) => a)
        .sort(),
    ).toEqual([
      's3:AbortMultipartUpload',
      's3:GetObject',
      's3:GetObject',
      's3:ListMultipartUploadParts',
      's3:PutObject',
    ]);
  });

  it('starts only the Longform state machine and its own Map Run, and follows their executions', () => {
    expect(resourcesOf('states:StartExecution').sort()).toEqual(
      [{ Ref: LONGFORM.slice(1, -1) }, { Ref: logicalId(batch.stateMachine) }]
        .map((r) => JSON.stringify(r))
        .sort(),
    );
    const executions = resourcesOf('states:DescribeExecution');
    expect(executions).toHaveLength(2);
    for (const arn of executions) expect(arn).toContain(':execution:');
    expect(resourcesOf('states:StopExecution')).toEqual(executions);
    expect(resourcesOf('events:PutRule')[0]).toContain('StepFunctionsGetEventsForStepFunctionsExecutionRule');
  });
});

describe('BatchWorkflow cdk-nag', () => {
  const findings = (scope: Stack) =>
    new AwsSolutionsChecks()
      .validateScope(scope)
      .violations.filter((v) => JSON.stringify(v.violatingResources).includes('Batch'))
      .map((v) => v.ruleName);

  it('reports nothing unacknowledged on its resources', () => {
    expect(findings(stack)).toEqual([]);
  });

  it('still reports a wildcard it did not intend', () => {
    const { stack: other, batch: added } = synth();
    added.stateMachine.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:DeleteObject'], resources: ['*'] }),
    );
    expect(findings(other)).toEqual(['AwsSolutions-IAM5[Resource::*]']);
  });
});
