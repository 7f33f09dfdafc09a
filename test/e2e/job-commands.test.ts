import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJob } from '../../functions/workflow/start-job';
import { targetDocument } from '../../local/bedrock-emulator';
import { runCli as longform } from '../../scenarios/cli-process';
import {
  driveJob,
  type LocalServices,
  startLocalServices,
  TEST_DEFAULTS,
  TEST_TABLE,
} from '../../scenarios/local-services';

describe('status and result of offline jobs (--data-dir)', () => {
  it('report a finished job and write back exactly the document run produced', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'longform-jobs-')), 'data');
    const prompt = 'Read it back later [emulator:tokens=700]';
    const run = await longform([
      'run',
      prompt,
      '--max-tokens-per-round',
      '150',
      '--data-dir',
      dataDir,
      '--job-id',
      'kept-1',
    ]);
    expect(run.exitCode).toBe(0);

    const status = await longform(['status', 'kept-1', '--data-dir', dataDir, '--json']);
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      jobId: 'kept-1',
      status: 'COMPLETED',
      stopReason: 'end_turn',
    });
    expect(status.stdout).not.toContain('Read it back later');

    const result = await longform(['result', 'kept-1', '--data-dir', dataDir]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(run.stdout);
    expect(result.stdout).toBe(targetDocument({ prompt }));

    const missing = await longform(['status', 'no-such-job', '--data-dir', dataDir]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/no job no-such-job/);
  });
});

describe('status and result of a deployed stack’s jobs (--table)', () => {
  let services: LocalServices;
  beforeAll(async () => {
    services = await startLocalServices();
  });
  afterAll(async () => {
    await services.stop();
  });

  it('read the table through the standard AWS SDK configuration', async () => {
    const prompt = 'Written by the deployed workflow [emulator:tokens=500]';
    await startJob(services.store, TEST_DEFAULTS, 'deployed-1', { prompt, maxTokensPerRound: 120 });
    await driveJob(services.store, services.callModel, 'deployed-1');
    // The SDK's own variables point the CLI at the "deployed" table: no code path special to tests.
    const env = { AWS_ENDPOINT_URL_DYNAMODB: services.dynamo.endpoint, AWS_REGION: 'us-east-1' };

    const status = await longform(['status', 'deployed-1', '--table', TEST_TABLE], env);
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toMatch(
      /^deployed-1: COMPLETED\n {2}rounds \d+, stop reason end_turn, strategy prefill\n/,
    );

    const result = await longform(['result', 'deployed-1', '--table', TEST_TABLE], env);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(targetDocument({ prompt }));
  });
});
