import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

/** The permanent errors the gate answers with, as Bedrock does (status, `x-amzn-ErrorType`, message). */
const DENIALS = {
  AccessDeniedException: [403, "You don't have access to the model with the specified model ID."],
  ValidationException: [400, 'The provided request is not valid.'],
} as const;

/** A permanent Bedrock error the gate can answer with. */
export type Denial = keyof typeof DENIALS;

/** A running gate. */
export interface BedrockGate {
  /** Point `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` here. */
  url: string;
  /** From the `fromRequest`-th model request on (0-based, counted from now), answer `denial`. */
  deny(denial: Denial, fromRequest?: number): void;
  /** The cause is removed: forward every request again. */
  allow(): void;
  /** Requests answered with a denial so far. */
  denied(): number;
  close(): Promise<void>;
}

/**
 * A loopback HTTP/2 (cleartext) front for the Bedrock emulator that can answer with a permanent error
 * instead, the way access that was never granted or a revoked model does, and later let requests through
 * again. The emulator's own faults are all transient; this is how a job meets a permanent one mid-way.
 */
export async function startBedrockGate(upstream: string): Promise<BedrockGate> {
  let denial: Denial | undefined;
  let countdown = 0;
  let denied = 0;
  const server = http2.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (denial && countdown-- <= 0) {
      denied++;
      const [status, message] = DENIALS[denial];
      response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': denial });
      response.end(JSON.stringify({ message }));
      return;
    }
    try {
      const answer = await fetch(`${upstream}${request.url}`, {
        method: request.method,
        headers: { 'content-type': String(request.headers['content-type'] ?? 'application/json') },
        body: Buffer.concat(chunks),
      });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const errorType = answer.headers.get('x-amzn-errortype');
      if (errorType) headers['x-amzn-errortype'] = errorType;
      response.writeHead(answer.status, headers);
      response.end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      // The emulator dropped the connection: drop this one too.
      request.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    }
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deny(next, fromRequest = 0) {
      denial = next;
      countdown = fromRequest;
    },
    allow() {
      denial = undefined;
    },
    denied: () => denied,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}
