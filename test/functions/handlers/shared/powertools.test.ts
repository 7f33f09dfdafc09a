import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { instrumented } from '../../../../functions/handlers/shared/powertools';
import { createLambdaContext } from '../../../../local/lambda-context';

/** The JSON log lines a real Powertools logger printed while `body` ran. */
async function logLines(body: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const printed: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((text: string) => printed.push(text) > 0) as typeof write;
  try {
    await body().catch(() => undefined);
  } finally {
    process.stdout.write = write;
  }
  return printed
    .join('')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('instrumented', () => {
  it('puts the Lambda context and the job keys on every line of one invocation, and only of that one', async () => {
    const logger = new Logger({ serviceName: 'longform', logLevel: 'INFO' });
    const handler = instrumented({ logger }, async (event: { jobId: string; round?: number }) => {
      logger.info('step ran');
      return event.jobId;
    });
    const context = createLambdaContext('GenerateRound', 60);
    const lines = await logLines(async () => {
      expect(await handler({ jobId: 'job-1', round: 3 }, context)).toBe('job-1');
      await handler({ jobId: 'job-2' }, context);
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      message: 'step ran',
      jobId: 'job-1',
      round: 3,
      function_name: 'GenerateRound',
      function_request_id: context.awsRequestId,
    });
    // A warm container's next job must not inherit the round of the previous one.
    expect(lines[1]).toMatchObject({ jobId: 'job-2' });
    expect(lines[1]).not.toHaveProperty('round');
  });

  it('publishes the stored metrics after every invocation, also one that throws', async () => {
    const logger = new Logger({ serviceName: 'longform', logLevel: 'SILENT' });
    const metrics = new Metrics({ namespace: 'LongformTest', serviceName: 'longform' });
    const handler = instrumented({ logger, metrics }, async (event: { jobId: string }) => {
      metrics.addMetric('Rounds', MetricUnit.Count, 1);
      if (event.jobId === 'bad') throw new Error('failed');
    });
    const context = createLambdaContext('GenerateRound', 60);
    await handler({ jobId: 'good' }, context);
    expect(metrics.hasStoredMetrics()).toBe(false);
    await expect(handler({ jobId: 'bad' }, context)).rejects.toThrow('failed');
    expect(metrics.hasStoredMetrics()).toBe(false);
  });
});
