import type { Command } from 'commander';
import type { LongformClient } from '../client/longform-client';
import { CliUsageError } from './cli-usage-error';
import { once, path, text } from './option-values';

/** The flags that say where jobs are: a deployed stack (or `serve`), or an offline data directory. */
export interface JobTargetFlags {
  stack?: string;
  stateMachineArn?: string;
  table?: string;
  dataDir?: string;
}

/** Where a command's jobs are. */
export type JobTarget =
  /** An offline data directory that `run` kept jobs in. */
  | { kind: 'offline'; dataDir: string }
  /** A deployed stack, found by its name (its StateMachineArn and TableName outputs). */
  | { kind: 'stack'; stackName: string }
  /** A state machine and its table: a deployed stack's outputs, or `serve`'s. */
  | { kind: 'state-machine'; stateMachineArn: string; tableName: string };

/** A target that `LongformClient` reaches (every kind but offline). */
export type ClientTarget = Exclude<JobTarget, { kind: 'offline' }>;

/** A state machine ARN as Step Functions writes it; the client derives execution ARNs from it. */
const STATE_MACHINE_ARN = /^arn:[^:\s]+:states:[^:\s]*:[^:\s]*:stateMachine:[^:\s]+$/;

const STACK_FLAGS = '--stack NAME, or --state-machine-arn ARN --table NAME';
const STACK_ENV = 'LONGFORM_STATE_MACHINE_ARN and LONGFORM_TABLE_NAME';

/**
 * Decides where a command's jobs are, from its flags and, when no flag says, from `env` (`serve`'s first
 * line sets both variables). Flags of both kinds, or an incomplete pair, are a usage error.
 * @param offline whether the command also works on an offline `--data-dir`.
 * @throws CliUsageError saying which flags to give.
 */
export function resolveJobTarget(flags: JobTargetFlags, env: NodeJS.ProcessEnv, offline: boolean): JobTarget {
  const { stack, stateMachineArn, table, dataDir } = flags;
  const stackGiven = stack !== undefined || stateMachineArn !== undefined || table !== undefined;
  if (dataDir !== undefined) {
    if (stackGiven) {
      throw new CliUsageError(`give either --data-dir DIR (offline jobs) or ${STACK_FLAGS}, not both`);
    }
    return { kind: 'offline', dataDir };
  }
  if (stack !== undefined) {
    if (stateMachineArn !== undefined || table !== undefined) {
      throw new CliUsageError(`give either --stack NAME or --state-machine-arn ARN --table NAME, not both`);
    }
    return { kind: 'stack', stackName: stack };
  }
  if (stackGiven) {
    if (stateMachineArn === undefined) {
      throw new CliUsageError(
        "--table needs --state-machine-arn ARN too (the stack's StateMachineArn output)",
      );
    }
    if (table === undefined) {
      throw new CliUsageError("--state-machine-arn needs --table NAME too (the stack's TableName output)");
    }
    return stateMachineTarget(stateMachineArn, table, '--state-machine-arn');
  }
  const envArn = env.LONGFORM_STATE_MACHINE_ARN || undefined;
  const envTable = env.LONGFORM_TABLE_NAME || undefined;
  if (envArn !== undefined && envTable !== undefined) {
    return stateMachineTarget(envArn, envTable, 'LONGFORM_STATE_MACHINE_ARN');
  }
  if (envArn !== undefined || envTable !== undefined) {
    throw new CliUsageError(
      `${envArn === undefined ? 'LONGFORM_STATE_MACHINE_ARN' : 'LONGFORM_TABLE_NAME'} is not set; set both ${STACK_ENV}, or give ${STACK_FLAGS}`,
    );
  }
  throw new CliUsageError(
    `say where the jobs are: ${STACK_FLAGS}, or set ${STACK_ENV} (longform serve prints them)` +
      (offline ? ', or --data-dir DIR for offline jobs' : ''),
  );
}

/** The target of a command that works on a deployed stack (or `serve`) only. */
export function resolveClientTarget(
  flags: Omit<JobTargetFlags, 'dataDir'>,
  env: NodeJS.ProcessEnv,
): ClientTarget {
  return resolveJobTarget(flags, env, false) as ClientTarget;
}

function stateMachineTarget(stateMachineArn: string, tableName: string, source: string): ClientTarget {
  if (!STATE_MACHINE_ARN.test(stateMachineArn)) {
    throw new CliUsageError(
      `${source} ${stateMachineArn} is not a state machine ARN (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME)`,
    );
  }
  return { kind: 'state-machine', stateMachineArn, tableName };
}

/** Declares the target flags on a command; `--data-dir` too when it also works offline. */
export function addJobTargetOptions(command: Command, offline: boolean): Command {
  const single = once(text);
  command
    .option('--stack <name>', 'a deployed stack (reads its StateMachineArn and TableName outputs)', single)
    .option('--state-machine-arn <arn>', "a deployed stack's state machine, or serve's", single)
    .option('--table <name>', "the stack's table (its TableName output), with --state-machine-arn", single);
  if (offline) command.option('--data-dir <dir>', 'the data directory `run` kept the job in', once(path));
  return command.addHelpText(
    'after',
    `\nWithout these flags: ${STACK_ENV} (export the first line of longform serve).`,
  );
}

/**
 * Opens a client on the target (loaded only now, so help and usage errors stay quick), runs `act` with
 * it and closes it. The SDK finds credentials, region and endpoints (`AWS_ENDPOINT_URL_SFN`,
 * `AWS_ENDPOINT_URL_DYNAMODB`) as it always does.
 */
export async function withClient<T>(
  target: ClientTarget,
  act: (client: LongformClient) => Promise<T>,
): Promise<T> {
  const { LongformClient } = await import('../client/longform-client');
  // Reading the stack's outputs is the first AWS call: its setup errors are worded like any other's.
  const client = await (target.kind === 'stack'
    ? LongformClient.fromStack(target.stackName)
    : Promise.resolve(
        new LongformClient({ stateMachineArn: target.stateMachineArn, tableName: target.tableName }),
      )
  ).catch((error: unknown) => {
    throw explainSetupError(error, process.env);
  });
  try {
    return await act(client);
  } catch (error) {
    throw explainSetupError(error, process.env);
  } finally {
    client.destroy();
  }
}

/** The AWS SDK could not reach the target: no region, no credentials, or nothing listening there. */
export class ClientSetupError extends Error {
  override readonly name = 'ClientSetupError';
}

/**
 * Words the SDK's setup errors as what to set (`serve` takes any region and credentials); any other
 * error is returned as it is.
 */
export function explainSetupError(error: unknown, env: NodeJS.ProcessEnv): unknown {
  const { name, message, code } = (error ?? {}) as NodeJS.ErrnoException;
  if (message === 'Region is missing') {
    return new ClientSetupError(
      'no AWS region: set AWS_REGION (for example AWS_REGION=us-east-1) or a region in your AWS profile; serve takes any',
    );
  }
  if (name === 'CredentialsProviderError') {
    return new ClientSetupError(
      `no AWS credentials (${message}): run "aws configure" or "aws sso login", set AWS_PROFILE, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; serve takes any`,
    );
  }
  if (code === 'ECONNREFUSED') {
    const address = message.replace(/^connect ECONNREFUSED /, '');
    const variable = ['AWS_ENDPOINT_URL_SFN', 'AWS_ENDPOINT_URL_DYNAMODB'].find((name) =>
      env[name]?.includes(address),
    );
    return new ClientSetupError(
      variable
        ? `nothing answers at ${address}, which ${variable} names: is longform serve still running there (export its first line again after a restart)?`
        : `nothing answers at ${address}: check the network and the AWS_ENDPOINT_URL_* variables`,
    );
  }
  return error;
}
