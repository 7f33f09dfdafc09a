import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBedrockClient } from '../../functions/adapters/bedrock-model';
import { ROUND_RETRIABLE_ERROR_NAMES } from '../../functions/core/errors';
import { createFinalizeJobHandler } from '../../functions/handlers/finalize-job';
import { createGenerateRoundHandler } from '../../functions/handlers/generate-round';
import { createInitializeJobHandler } from '../../functions/handlers/initialize-job';
import { createJobStore } from '../../functions/handlers/shared/clients';
import { readRuntimeConfig } from '../../functions/handlers/shared/runtime-config';
import { FINAL_JOB_STATUSES } from '../../infra/operations-metrics';
import { type RunningEmulator, startBedrockEmulator } from '../../local/bedrock-emulator';
import { DocumentDirectory } from '../../local/document-directory';
import { createLambdaContext } from '../../local/lambda-context';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalDynamoDb,
  startLocalDynamoDb,
} from '../../local/local-dynamodb';
import { synthStack } from './synth';

type Json = Record<string, unknown>;

/** A metric as CloudWatch identifies it: namespace, name and every dimension with its value. */
interface MetricId {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

const stack = synthStack();
const resources = Template.fromStack(stack).toJSON().Resources as Record<
  string,
  { Type: string; Properties: Json }
>;
const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);

/** The dashboard body, each CloudFormation reference written as `<Ref>`. */
const body = (() => {
  const [dashboard, ...others] = ofType('AWS::CloudWatch::Dashboard');
  if (!dashboard || others.length > 0) throw new Error('The stack must have one dashboard');
  const { 'Fn::Join': join } = dashboard.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  return JSON.parse(join[1].map((part) => (typeof part === 'string' ? part : '<Ref>')).join('')) as {
    widgets: { type: string; properties: { metrics?: unknown[][]; alarms?: string[] } }[];
  };
})();

/** Every metric a graph of the dashboard reads (math expressions are built from such metrics). */
const dashboardMetrics: MetricId[] = body.widgets.flatMap((widget) =>
  (widget.properties.metrics ?? []).flatMap((line) => {
    const fields = line.filter((field) => typeof field === 'string') as string[];
    if (fields.length === 0) return []; // an expression line
    const [namespace = '', name = '', ...pairs] = fields;
    const dimensions: Record<string, string> = {};
    for (let i = 0; i < pairs.length; i += 2) dimensions[pairs[i] as string] = pairs[i + 1] as string;
    return [{ namespace, name, dimensions }];
  }),
);

/** Every metric an alarm reads, plain or inside its math expression. */
const alarmMetrics: MetricId[] = ofType('AWS::CloudWatch::Alarm').flatMap(({ Properties: alarm }) => {
  const asId = (metric: Json): MetricId => ({
    namespace: metric.Namespace as string,
    name: metric.MetricName as string,
    dimensions: Object.fromEntries(
      ((metric.Dimensions ?? []) as { Name: string; Value: unknown }[]).map((d) => [
        d.Name,
        typeof d.Value === 'string' ? d.Value : '<Ref>',
      ]),
    ),
  });
  if (alarm.MetricName) return [asId(alarm)];
  return ((alarm.Metrics ?? []) as { MetricStat?: { Metric: Json } }[]).flatMap((m) =>
    m.MetricStat ? [asId(m.MetricStat.Metric)] : [],
  );
});

/** What the handlers published, as embedded-metric-format lines: one metric id per metric of a line. */
const published: MetricId[] = [];
let dynamo: LocalDynamoDb;
let emulator: RunningEmulator;

/**
 * Runs the real handlers with a real Powertools `Metrics`, configured from the round function's
 * synthesized environment as on Lambda, against the local DynamoDB and the Bedrock emulator: a job whose
 * first Bedrock call is throttled, its round, the same round again (reused), and the job's end with its
 * document delivered (offline, to a directory: the same handler code as to the bucket). Collects what
 * Powertools prints (embedded metric format) to compare the dashboard and the alarms with.
 */
beforeAll(async () => {
  const environment = stack.resolve(
    (stack.longform.functions.generateRound.node.defaultChild as CfnFunction).environment,
  ).variables as Record<string, unknown>;

  dynamo = await startLocalDynamoDb();
  emulator = await startBedrockEmulator({ documentTokens: 60 });
  const config = readRuntimeConfig({
    ...(Object.fromEntries(
      Object.entries(environment).filter(([, value]) => typeof value === 'string'),
    ) as Record<string, string>),
    TABLE_NAME: 'longform-dashboard-test',
    ALLOWED_MODEL_IDS: '',
  });
  await dynamo.createJobTable(config.tableName);
  const tableClient = dynamo.createClient();
  const bedrock = createBedrockClient({
    endpoint: emulator.url,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const store = createJobStore(tableClient, config);
  const logger = new Logger({ serviceName: 'longform', logLevel: 'SILENT' });
  const context = () => createLambdaContext('metrics', 60);

  // Powertools reads these when a Metrics (or one of its single metrics) is made, as on Lambda.
  const saved = { ...process.env };
  for (const name of ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE'])
    process.env[name] = environment[name] as string;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const metrics = new Metrics();
  const printed: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((text: string) => printed.push(text) > 0) as typeof write;
  try {
    await createInitializeJobHandler({ store, defaults: config.defaults, telemetry: { logger } })(
      { jobId: 'metrics-1', input: { prompt: 'Metrics [emulator:tokens=60]', maxTokensPerRound: 500 } },
      context(),
    );
    const round = createGenerateRoundHandler({ store, bedrock, telemetry: { logger, metrics } });
    emulator.setFaults({ plan: (index) => (index === 0 ? 'throttle' : undefined) });
    await expect(round({ jobId: 'metrics-1', round: 1 }, context())).rejects.toThrow();
    await round({ jobId: 'metrics-1', round: 1 }, context());
    await round({ jobId: 'metrics-1', round: 1 }, context());
    await createFinalizeJobHandler({
      store,
      documents: new DocumentDirectory(mkdtempSync(join(tmpdir(), 'longform-metrics-'))),
      telemetry: { logger, metrics },
    })({ jobId: 'metrics-1' }, context());
  } finally {
    process.stdout.write = write;
    process.env = saved;
    bedrock.destroy();
    tableClient.destroy();
  }
  for (const line of printed.join('').split('\n')) {
    if (!line.includes('"_aws"')) continue;
    const emf = JSON.parse(line) as Json & {
      _aws: {
        CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
      };
    };
    for (const directive of emf._aws.CloudWatchMetrics) {
      for (const dimensionSet of directive.Dimensions) {
        for (const { Name } of directive.Metrics) {
          published.push({
            namespace: directive.Namespace,
            name: Name,
            dimensions: Object.fromEntries(dimensionSet.map((key) => [key, String(emf[key])])),
          });
        }
      }
    }
  }
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  await dynamo?.stop();
});

/** A metric's identity up to the values of the dimensions that name an error or a job status. */
const shape = ({ namespace, name, dimensions }: MetricId) =>
  `${namespace} ${name} ${Object.keys(dimensions)
    .sort()
    .map((key) => (key === 'ErrorName' || key === 'JobStatus' ? key : `${key}=${dimensions[key]}`))
    .join(',')}`;

describe('the operations dashboard and alarms', () => {
  it('read only metrics the handlers publish, with exactly their dimensions', () => {
    expect(published.length).toBeGreaterThan(5);
    const publishedShapes = new Set(published.map(shape));
    const longform = [...dashboardMetrics, ...alarmMetrics].filter((m) => m.namespace === 'Longform');
    expect(new Set(longform.map(shape))).toEqual(publishedShapes);
  });

  it('name the errors and job statuses the code uses, including the throttling it published', () => {
    const values = (key: string, metrics: MetricId[]) =>
      new Set(metrics.flatMap((m) => (m.dimensions[key] ? [m.dimensions[key]] : [])));
    expect([...values('ErrorName', published)]).toEqual(['BedrockThrottlingError']);
    // RoundErrors is published by the round only: its ErrorNames are the errors a round raises.
    const graphed = [...values('ErrorName', dashboardMetrics)];
    expect(graphed.sort()).toEqual([...ROUND_RETRIABLE_ERROR_NAMES].sort());
    expect(graphed).not.toContain('DocumentBucketUnavailableError');
    expect(graphed).not.toContain('EventBusUnavailableError');
    expect([...values('ErrorName', alarmMetrics)]).toEqual(['BedrockThrottlingError']);
    expect([...values('JobStatus', published)]).toEqual(['COMPLETED']);
    expect([...values('JobStatus', dashboardMetrics)].sort()).toEqual([...FINAL_JOB_STATUSES].sort());
  });

  it('graph the state machine’s executions from AWS/States by its ARN', () => {
    const states = dashboardMetrics.filter((m) => m.namespace === 'AWS/States');
    expect(states.map((m) => m.name).sort()).toEqual([
      'ExecutionsAborted',
      'ExecutionsFailed',
      'ExecutionsStarted',
      'ExecutionsSucceeded',
      'ExecutionsTimedOut',
    ]);
    for (const metric of states) expect(metric.dimensions).toEqual({ StateMachineArn: '<Ref>' });
  });

  it('graph every metric the handlers publish, documents per hour and round latency p50/p99', () => {
    const graphed = new Set(dashboardMetrics.map((m) => m.name));
    for (const metric of published) expect(graphed, metric.name).toContain(metric.name);
    const lines = body.widgets.flatMap((w) => w.properties.metrics ?? []);
    const options = (name: string) =>
      lines
        .filter((line) => line[1] === name)
        .map((line) => line.at(-1) as { stat?: string; period?: number });
    expect(options('RoundLatency').map((o) => o.stat)).toEqual(['p50', 'p99']);
    for (const o of options('DocumentsFinished')) expect(o).toMatchObject({ stat: 'Sum', period: 3600 });
  });

  it('shows the state of every alarm of the stack', () => {
    const alarmWidgets = body.widgets.filter((w) => w.type === 'alarm');
    expect(alarmWidgets.map((w) => w.properties.alarms?.length)).toEqual([
      ofType('AWS::CloudWatch::Alarm').length,
    ]);
  });
});
