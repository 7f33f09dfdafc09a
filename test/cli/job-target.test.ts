import { describe, expect, it } from 'vitest';
import { CliUsageError } from '../../cli/cli-usage-error';
import {
  ClientSetupError,
  explainSetupError,
  type JobTargetFlags,
  resolveJobTarget,
} from '../../cli/job-target';

const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:Longform';
const SERVED = {
  LONGFORM_STATE_MACHINE_ARN: 'arn:aws:states:local:000000000000:stateMachine:longform',
  LONGFORM_TABLE_NAME: 'longform-jobs',
};

describe('resolveJobTarget', () => {
  it('takes a stack by name, a state machine with its table, or a data directory', () => {
    expect(resolveJobTarget({ stack: 'Longform' }, {}, false)).toEqual({
      kind: 'stack',
      stackName: 'Longform',
    });
    expect(resolveJobTarget({ stateMachineArn: ARN, table: 'jobs' }, {}, false)).toEqual({
      kind: 'state-machine',
      stateMachineArn: ARN,
      tableName: 'jobs',
    });
    expect(resolveJobTarget({ dataDir: '/tmp/data' }, {}, true)).toEqual({
      kind: 'offline',
      dataDir: '/tmp/data',
    });
  });

  it("falls back to serve's variables only when no flag says where the jobs are", () => {
    expect(resolveJobTarget({}, SERVED, false)).toEqual({
      kind: 'state-machine',
      stateMachineArn: SERVED.LONGFORM_STATE_MACHINE_ARN,
      tableName: 'longform-jobs',
    });
    expect(resolveJobTarget({ stack: 'Longform' }, SERVED, false)).toMatchObject({ kind: 'stack' });
    expect(resolveJobTarget({ dataDir: '/d' }, SERVED, true)).toMatchObject({ kind: 'offline' });
  });

  it.each<[JobTargetFlags, NodeJS.ProcessEnv, RegExp]>([
    [{}, {}, /^say where the jobs are: --stack NAME, or --state-machine-arn ARN --table NAME, or set/],
    [{ stack: 'S', dataDir: '/d' }, {}, /either --data-dir DIR .* not both/],
    [{ table: 'jobs', dataDir: '/d' }, {}, /either --data-dir DIR .* not both/],
    [
      { stack: 'S', table: 'jobs' },
      {},
      /either --stack NAME or --state-machine-arn ARN --table NAME, not both/,
    ],
    [{ table: 'jobs' }, SERVED, /--table needs --state-machine-arn ARN too/],
    [{ stateMachineArn: ARN }, {}, /--state-machine-arn needs --table NAME too/],
    [
      { stateMachineArn: 'Longform', table: 'jobs' },
      {},
      /--state-machine-arn Longform is not a state machine ARN/,
    ],
    [{}, { LONGFORM_STATE_MACHINE_ARN: ARN }, /^LONGFORM_TABLE_NAME is not set; set both/],
    [
      {},
      { ...SERVED, LONGFORM_STATE_MACHINE_ARN: 'x' },
      /LONGFORM_STATE_MACHINE_ARN x is not a state machine ARN/,
    ],
  ])('refuses %j with env %j as a usage error', (flags, env, message) => {
    expect(() => resolveJobTarget(flags, env, true)).toThrow(message);
    expect(() => resolveJobTarget(flags, env, true)).toThrow(CliUsageError);
  });

  it('offers --data-dir only to commands that also work offline', () => {
    expect(() => resolveJobTarget({}, {}, true)).toThrow(/, or --data-dir DIR for offline jobs$/);
    expect(() => resolveJobTarget({}, {}, false)).toThrow(/\(longform serve prints them\)$/);
  });
});

describe('explainSetupError', () => {
  it('says what to set when the SDK has no region or credentials, or nothing answers at an endpoint', () => {
    const region = explainSetupError(new Error('Region is missing'), {});
    expect(region).toBeInstanceOf(ClientSetupError);
    expect((region as Error).message).toMatch(/^no AWS region: set AWS_REGION/);
    const credentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect((explainSetupError(credentials, {}) as Error).message).toMatch(
      /^no AWS credentials \(Could not load credentials from any providers\): run "aws configure"/,
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4567'), { code: 'ECONNREFUSED' });
    expect(
      (explainSetupError(refused, { AWS_ENDPOINT_URL_SFN: 'http://127.0.0.1:4567' }) as Error).message,
    ).toBe(
      'nothing answers at 127.0.0.1:4567, which AWS_ENDPOINT_URL_SFN names: is longform serve still running there (export its first line again after a restart)?',
    );
    expect((explainSetupError(refused, {}) as Error).message).toMatch(/check the network/);
  });

  it('passes every other error on as it is', () => {
    const other = new Error('Execution Does Not Exist');
    expect(explainSetupError(other, {})).toBe(other);
  });
});
