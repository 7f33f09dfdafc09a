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
 * names the endpoints as the SDK's environment variables, ready to export for clients.
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
  try {
    const server = await startStepFunctionsServer(runtime, flags.port ? { port: flags.port } : {});
    const endpoints = await servedEndpoints(runtime, server);
    process.stdout.write(
      `AWS_ENDPOINT_URL_SFN=${endpoints.sfn} AWS_ENDPOINT_URL_DYNAMODB=${endpoints.dynamodb}` +
        `${endpoints.bedrock ? ` AWS_ENDPOINT_URL_BEDROCK_RUNTIME=${endpoints.bedrock}` : ''}\n`,
    );
    process.stderr.write(
      `longform: serving state machine ${LOCAL_STATE_MACHINE_ARN} and table ${LOCAL_TABLE_NAME}, ` +
        `${flags.dataDir ? `data in ${flags.dataDir}` : 'in memory (give --data-dir DIR to keep jobs)'}; Ctrl-C stops\n`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
  } finally {
    await runtime.stop();
  }
  return 0;
}
