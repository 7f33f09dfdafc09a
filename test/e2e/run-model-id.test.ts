import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as longform } from '../../scenarios/cli-process';

describe('longform run --model', () => {
  // The model id goes into the job input like every other field, so `Initialize job` refuses a bad one
  // with InvalidInputError; it used to reach the offline stack's IAM policy and kill the CLI there.
  it.each([['a b'], ['a/b']])(
    'refuses %j as --model with exit 1, a line naming the flag, and nothing stored',
    async (modelId) => {
      const dataDir = join(mkdtempSync(join(tmpdir(), 'longform-model-')), 'data');
      const run = await longform([
        'run',
        'Hello',
        '--model',
        modelId,
        '--data-dir',
        dataDir,
        '--job-id',
        'bad-model',
      ]);
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/^longform: job bad-model FAILED \(InvalidInputError: --model /);

      const status = await longform(['status', 'bad-model', '--data-dir', dataDir]);
      expect(status.exitCode).toBe(1);
      expect(status.stderr).toMatch(/no job bad-model/);
    },
  );
});
