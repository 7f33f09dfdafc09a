/**
 * Emulator throughput: requests/s for a 100-token Converse response over HTTP/2 with the real SDK client.
 * Run with `npx tsx bench/emulator-throughput.ts`.
 */
import '../local/node20-polyfill';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { startBedrockEmulator } from '../local/bedrock-emulator';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/local-dynamodb';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const CONCURRENCY = 16;
const DURATION_MS = 5000;

async function main(): Promise<void> {
  const emulator = await startBedrockEmulator();
  const client = new BedrockRuntimeClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: emulator.url,
    maxAttempts: 1,
  });
  const command = new ConverseCommand({
    modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    messages: [{ role: 'user', content: [{ text: 'Benchmark document' }] }],
    inferenceConfig: { maxTokens: 100 },
  });
  await client.send(command);
  let completed = 0;
  const deadline = Date.now() + DURATION_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        const response = await client.send(command);
        if (response.usage?.outputTokens !== 100) throw new Error('unexpected response size');
        completed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${(completed / seconds).toFixed(0)} requests/s (100-token Converse responses, HTTP/2, ${CONCURRENCY} concurrent, ${completed} requests in ${seconds.toFixed(1)} s)`,
  );
  client.destroy();
  await emulator.close();
}

await main();
