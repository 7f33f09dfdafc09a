import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleClient, withJsExtensions } from '../../client/build';

const run = promisify(execFile);
let scratch: string;

beforeAll(async () => {
  // The package as a project installs it: package.json and the bundle in node_modules/longform, its
  // dependencies beside it, and a project that imports it by name.
  scratch = await mkdtemp(join(tmpdir(), 'longform-package-'));
  const installed = join(scratch, 'node_modules/longform');
  await mkdir(installed, { recursive: true });
  await copyFile('package.json', join(installed, 'package.json'));
  await symlink(join(process.cwd(), 'node_modules'), join(installed, 'node_modules'));
  await bundleClient(installed);
  await writeFile(join(scratch, 'package.json'), '{ "type": "module" }');
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the longform package', () => {
  it("exports LongformClient and its errors by the package's name, as longform and longform/client", async () => {
    const script = `
      import { LongformClient, JobAlreadyCompletedError, InvalidInputError } from 'longform';
      import * as sdk from 'longform/client';
      const client = new LongformClient({ stateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:lf', tableName: 't' });
      await client.start({ prompt: 'p', jobId: 'not an id' }).catch((error) => console.log(error instanceof InvalidInputError, error.field));
      console.log(sdk.LongformClient === LongformClient, typeof client.watch, new JobAlreadyCompletedError('m').name);
      client.destroy();`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: scratch,
      env: { ...process.env, AWS_REGION: 'us-east-1' },
    });
    expect(stdout.trim().split('\n')).toEqual(['true jobId', 'true function JobAlreadyCompletedError']);
  });
});

describe('withJsExtensions', () => {
  it('gives relative specifiers of declarations a .js, leaving packages and ones with an extension alone', () => {
    expect(
      withJsExtensions(
        [
          "export { a } from './job-events';",
          "import type { B } from '../functions/core/job-config';",
          "export * from '@aws-sdk/client-sfn';",
          "type C = import('./resume-plan').C;",
          "export { d } from './d.js';",
        ].join('\n'),
      ),
    ).toBe(
      [
        "export { a } from './job-events.js';",
        "import type { B } from '../functions/core/job-config.js';",
        "export * from '@aws-sdk/client-sfn';",
        "type C = import('./resume-plan.js').C;",
        "export { d } from './d.js';",
      ].join('\n'),
    );
  });
});
