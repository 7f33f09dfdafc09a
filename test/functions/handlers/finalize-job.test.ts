import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFinalizeJobHandler } from '../../../functions/handlers/finalize-job';
import { DocumentDirectory } from '../../../local/document-directory';
import { EventLog } from '../../../local/event-log';
import { createLambdaContext } from '../../../local/lambda-context';
import { runJobToEnd } from '../../../scenarios/local-services';
import { useLocalServices } from '../../../scenarios/local-services-fixture';

const services = useLocalServices();

interface EmfLine {
  _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

/** The embedded-metric-format lines Powertools printed while `body` ran, by metric name. */
async function publishedMetrics(body: () => Promise<unknown>): Promise<Record<string, EmfLine>> {
  const printed: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((text: string) => printed.push(text) > 0) as typeof write;
  try {
    await body();
  } finally {
    process.stdout.write = write;
  }
  const byName: Record<string, EmfLine> = {};
  for (const line of printed.join('').split('\n').filter(Boolean)) {
    const emf = JSON.parse(line) as EmfLine;
    for (const metric of emf._aws.CloudWatchMetrics[0]?.Metrics ?? []) byName[metric.Name] = emf;
  }
  return byName;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Finalize job', () => {
  it('counts each end once by job status, and the bytes it delivered under the service alone', async () => {
    // Published, as on Lambda (the tests' environment switches metrics off); singleMetric reads it too.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const metrics = new Metrics({ namespace: 'Longform', serviceName: 'longform' });
    const handler = createFinalizeJobHandler({
      store: services.store,
      telemetry: { logger: new Logger({ logLevel: 'SILENT' }), metrics },
      documents: new DocumentDirectory(mkdtempSync(join(tmpdir(), 'longform-finalize-'))),
      events: new EventLog(),
    });
    await runJobToEnd(services, 'finalize-1', { prompt: 'Counted [emulator:tokens=200]' });
    const context = createLambdaContext('FinalizeJob', 30);

    const first = await publishedMetrics(() => handler({ jobId: 'finalize-1' }, context));
    const finished = first.DocumentsFinished;
    expect(finished?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'JobStatus']]);
    expect(finished).toMatchObject({ service: 'longform', JobStatus: 'COMPLETED', DocumentsFinished: 1 });
    const bytes = first.DocumentBytes;
    expect(bytes?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
    expect(bytes?._aws.CloudWatchMetrics[0]?.Metrics).toEqual([{ Name: 'DocumentBytes', Unit: 'Bytes' }]);
    expect(bytes?.DocumentBytes).toBe((await services.store.getJob('finalize-1'))?.document?.bytes);

    // A retried Finalize neither counts the end again nor delivers again.
    const again = await publishedMetrics(() => handler({ jobId: 'finalize-1' }, context));
    expect(Object.keys(again)).toEqual([]);
  });

  it('counts an end once on the retry that announced it, when the invocation that stamped it failed', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const log = new EventLog();
    let busDown = true;
    const dependencies = {
      store: services.store,
      telemetry: {
        logger: new Logger({ logLevel: 'SILENT' }),
        metrics: new Metrics({ namespace: 'Longform', serviceName: 'longform' }),
      },
      documents: new DocumentDirectory(mkdtempSync(join(tmpdir(), 'longform-finalize-'))),
      // The bus refuses the first announcement (PutEvents throttled), as EventBusUnavailableError.
      events: {
        publish: async (event: Parameters<EventLog['publish']>[0]) => {
          if (busDown) throw Object.assign(new Error('throttled'), { name: 'EventBusUnavailableError' });
          await log.publish(event);
        },
      },
    };
    const handler = createFinalizeJobHandler(dependencies);
    await runJobToEnd(services, 'finalize-2', { prompt: 'Counted on the retry [emulator:tokens=200]' });
    const context = createLambdaContext('FinalizeJob', 30);

    // The first attempt stamps the end and delivers, then fails to announce: nothing is counted yet.
    const failed = await publishedMetrics(() =>
      expect(handler({ jobId: 'finalize-2' }, context)).rejects.toThrow('throttled'),
    );
    expect(Object.keys(failed)).toEqual([]);
    busDown = false;
    const retried = await publishedMetrics(() => handler({ jobId: 'finalize-2' }, context));
    expect(retried.DocumentsFinished).toMatchObject({ JobStatus: 'COMPLETED', DocumentsFinished: 1 });
    expect(retried.DocumentBytes?.DocumentBytes).toBe(
      (await services.store.getJob('finalize-2'))?.document?.bytes,
    );
    expect(log.events).toHaveLength(1);
    // Once announced, the end is not counted again.
    expect(Object.keys(await publishedMetrics(() => handler({ jobId: 'finalize-2' }, context)))).toEqual([]);
  });
});
