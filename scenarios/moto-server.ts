import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/local-dynamodb';

/**
 * A running moto server (`python3 -m moto.server`): an independent implementation of the S3,
 * EventBridge and SQS APIs (and more), for testing the adapters of those services against a real wire
 * protocol. It accepts any credentials.
 */
export interface MotoServer {
  endpoint: string;
  /** The SDK client settings that reach it (path-style S3 addressing: no bucket host names locally). */
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: typeof LOCAL_CREDENTIALS;
    forcePathStyle: boolean;
  };
  stop(): Promise<void>;
}

/** Starts moto on a free loopback port and waits until it answers (about a second). */
export async function startMotoServer(): Promise<MotoServer> {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(`${endpoint}/moto-api/`, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`moto did not start: ${(error as Error).message}\n${stderr}`);
  }
  return {
    endpoint,
    clientConfig: { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true },
    stop: () => stopProcess(child),
  };
}

async function waitUntilAnswering(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`it exited with status ${child.exitCode}`);
    const answered = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error('it did not answer within 20 s');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

/**
 * One call of moto's SQS JSON protocol (tests read what an EventBridge rule delivered to a queue; the
 * project has no SQS client). moto does not check signatures, but the service wants a credential scope.
 */
export async function sqsCall<T>(moto: MotoServer, action: string, body: object): Promise<T> {
  const response = await fetch(moto.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
      authorization: `AWS4-HMAC-SHA256 Credential=${LOCAL_CREDENTIALS.accessKeyId}/20260101/${LOCAL_REGION}/sqs/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`SQS ${action}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
