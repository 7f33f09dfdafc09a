import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { targetDocument } from '../../local/bedrock-emulator';
import { runCli as longform } from '../../scenarios/cli-process';

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
