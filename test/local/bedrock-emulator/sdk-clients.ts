/** Real Bedrock Runtime SDK clients pointed at an emulator, over HTTP/2 (default) or HTTP/1.1. */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** The two wire protocols the emulator serves. */
export const PROTOCOLS = ['http2', 'http1.1'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** A client with retries off, so every fault reaches the test. */
export function bedrockClient(url: string, protocol: Protocol = 'http2'): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: url,
    maxAttempts: 1,
    ...(protocol === 'http1.1' ? { requestHandler: new NodeHttpHandler() } : {}),
  });
}

/** Runs `fn` and returns what it threw; fails the test when it does not throw. */
export async function rejection(
  fn: () => Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
