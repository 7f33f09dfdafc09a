import { CliUsageError } from '../cli-usage-error';

/** `longform emulator [--port N]`: serves the Bedrock emulator until interrupted; prints its URL. */
export async function emulatorCommand(port: number): Promise<number> {
  if (port > 65535) throw new CliUsageError('--port must be an integer from 0 to 65535');
  const { startBedrockEmulator } = await import('../../local/bedrock-emulator');
  const emulator = await startBedrockEmulator({ port });
  process.stdout.write(`${emulator.url}\n`);
  process.stderr.write(
    `longform: Bedrock emulator listening; point the SDK at it with AWS_ENDPOINT_URL_BEDROCK_RUNTIME=${emulator.url}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
  return 0;
}
