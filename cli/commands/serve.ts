import { CliUsageError } from '../cli-usage-error';
import { CLI_EMULATOR_DOCUMENT_TOKENS } from './run';

/** Options of `serve`. */
export interface ServeFlags {
  port?: number;
  dataDir?: string;
  bedrock?: 'emulator' | 'aws';
}

/**
 * `longform serve`: the offline runtime behind a loopback Step Functions endpoint, with its local DynamoDB
 * and (unless `--bedrock aws`) the Bedrock emulator, until SIGINT or SIGTERM. The first line of stdout
 * names the endpoints as the SDK's environment variables and the state machine and table as the CLI's,
 * ready to export for clients (`export $(head -1 serve.log)`). With `--data-dir` the executions survive
 * a restart, and those still running are continued.
 */
export async function serveCommand(flags: ServeFlags): Promise<number> {
  if ((flags.port ?? 0) > 65535) throw new CliUsageError('--port must be an integer from 0 to 65535');
  const [
    { OfflineRuntime, LOCAL_TABLE_NAME },
    { LOCAL_STATE_MACHINE_ARN, servedEndpoints, startStepFunctionsServer },
  ] = await Promise.all([import('../../local/offline-runtime'), import('../../local/step-functions-server')]);
  const runtime = await OfflineRuntime.start({
    bedrock: flags.bedrock ?? 'emulator',
    emulator: { documentTokens: CLI_EMULATOR_DOCUMENT_TOKENS },
    ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
  });
  let server: Awaited<ReturnType<typeof startStepFunctionsServer>>;
  try {
    server = await startStepFunctionsServer(runtime, flags.port ? { port: flags.port } : {});
  } catch (error) {
    await runtime.stop();
    throw error;
  }
  const endpoints = await servedEndpoints(runtime, server);
  process.stdout.write(
    `AWS_ENDPOINT_URL_SFN=${endpoints.sfn} AWS_ENDPOINT_URL_DYNAMODB=${endpoints.dynamodb}` +
      `${endpoints.bedrock ? ` AWS_ENDPOINT_URL_BEDROCK_RUNTIME=${endpoints.bedrock}` : ''}` +
      ` LONGFORM_STATE_MACHINE_ARN=${LOCAL_STATE_MACHINE_ARN} LONGFORM_TABLE_NAME=${LOCAL_TABLE_NAME}\n`,
  );
  process.stderr.write(
    `longform: serving state machine ${LOCAL_STATE_MACHINE_ARN} and table ${LOCAL_TABLE_NAME}, ` +
      `${flags.dataDir ? `data in ${flags.dataDir}` : 'in memory (give --data-dir DIR to keep jobs and executions)'}; Ctrl-C stops\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  // Rounds may be mid-call: end as `run` ends on a signal, as if killed, with the executions' records
  // written, so the next serve on the data directory continues the running ones.
  await server.close();
  runtime.dataDirectory?.release();
  return process.exit(0);
}
