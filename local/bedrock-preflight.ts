import { lookup } from 'node:dns/promises';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';

/** How long the name lookup of the Bedrock endpoint may take before the network is called down. */
const LOOKUP_TIMEOUT_MS = 5000;

/** Real Bedrock cannot be called from here: no region, no credentials, or no way to its endpoint. */
export class BedrockSetupError extends Error {
  override readonly name = 'BedrockSetupError';
}

/**
 * Checks, before a job starts, what would otherwise only show after minutes of retried rounds: that
 * the client has a region and credentials and that the endpoint's name resolves.
 * @throws BedrockSetupError with the cause and what to set.
 */
export async function checkBedrockSetup(client: BedrockRuntimeClient, endpointUrl?: string): Promise<void> {
  let region: string;
  try {
    region = await client.config.region();
  } catch {
    throw new BedrockSetupError(
      'no AWS region for --bedrock aws: set AWS_REGION (for example AWS_REGION=us-east-1) or a region in your AWS profile',
    );
  }
  try {
    await client.config.credentials();
  } catch (error) {
    throw new BedrockSetupError(
      `no AWS credentials for --bedrock aws (${firstLine(error)}): run "aws configure" or "aws sso login", set AWS_PROFILE, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
    );
  }
  const host = endpointUrl ? new URL(endpointUrl).hostname : `bedrock-runtime.${region}.amazonaws.com`;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      lookup(host),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' })),
          LOOKUP_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (error) {
    throw new BedrockSetupError(
      `cannot reach Bedrock at ${host} (${(error as NodeJS.ErrnoException).code ?? firstLine(error)}): check the network connection and the region`,
    );
  } finally {
    clearTimeout(timer);
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
