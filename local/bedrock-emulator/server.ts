/**
 * The emulator's HTTP server: cleartext HTTP/2 (prior knowledge, what `BedrockRuntimeClient` speaks by
 * default) and HTTP/1.1 on the same loopback port. Node cannot serve both from one cleartext server,
 * so a plain TCP server peeks at each connection's first bytes and hands the socket to the right one.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleConverse } from './converse-handler';
import { type EmulatorFaults, FaultInjector, faultError } from './faults';
import type { HandlerContext, HandlerReply } from './handler-context';
import type { InstructionQuirks } from './instruction-quirks';
import { handleInvoke } from './invoke-handler';
import { type ModelSpec, resolveModel } from './model-catalog';
import { PromptCache } from './prompt-cache';
import { EmulatedServiceError, validationError } from './service-error';
import { STREAM_OPERATIONS, type StreamFault, type StreamOperation, writeStream } from './stream-handlers';
import { DEFAULT_DOCUMENT_TOKENS } from './target-document';

/** Options of {@link startBedrockEmulator}. */
export interface EmulatorOptions {
  /** Default 0 (a free port); the server always binds 127.0.0.1. */
  port?: number;
  /** Default length of target documents when the prompt has no `[emulator:tokens=N]` directive (default 1500). */
  documentTokens?: number;
  faults?: EmulatorFaults;
  instructionQuirks?: InstructionQuirks;
  /**
   * The account has not used its legacy models lately: they answer 404 "Access denied. This Model is
   * marked by provider as Legacy ..." instead of generating (default false: they stay callable).
   */
  legacyInactive?: boolean;
  /** The prompt cache's clock, in ms (default `Date.now`): a test moves it to expire cached prefixes. */
  promptCacheClock?: () => number;
}

/** A started emulator. */
export interface RunningEmulator {
  /** e.g. http://127.0.0.1:54321 */
  url: string;
  port: number;
  /** Requests that reached a model route, by outcome: 'ok' or the fault/exception name. */
  stats(): { requests: number; byOutcome: Record<string, number> };
  /**
   * Model requests being answered now, and the most there ever were at once since the server started
   * (a request counts until its response, or its stream, has closed).
   */
  inFlight(): { current: number; max: number };
  setFaults(faults: EmulatorFaults | undefined): void;
  setInstructionQuirks(q: InstructionQuirks | undefined): void;
  /** Closes promptly, destroying open HTTP/2 sessions and keep-alive sockets. */
  close(): Promise<void>;
}

type Operation = (model: ModelSpec, body: string, context: HandlerContext) => Promise<HandlerReply>;

const OPERATIONS: Record<string, Operation> = { converse: handleConverse, invoke: handleInvoke };
/**
 * A fault drawn for a streaming request strikes at a seeded point of its answer: below this share, as an
 * error response before the stream starts; above it, inside the stream.
 */
const PRE_STREAM_FAULT_SHARE = 0.2;
const MODEL_ROUTE = /^\/model\/([^/]+)\/([^/?]+)(?:\?.*)?$/;
/** Every HTTP/2 connection opens with this preface; no HTTP/1.1 method starts with "PR". */
const H2_PREFACE_START = Buffer.from('PR');

type Request = http.IncomingMessage | http2.Http2ServerRequest;
type Response = http.ServerResponse | http2.Http2ServerResponse;

function send(
  response: Response,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(payload);
}

function sendError(response: Response, error: EmulatedServiceError): void {
  send(response, error.status, { message: error.message }, { 'x-amzn-errortype': error.errorType });
}

/** Ends the request with no response: RST_STREAM on HTTP/2, a destroyed socket on HTTP/1.1. */
function dropConnection(request: Request): void {
  if ('stream' in request) request.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  else request.socket.destroy();
}

async function readBody(request: Request): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The 404 a retired model answers, or a legacy one when the account has not used it lately. */
function lifecycleError(model: ModelSpec, legacyInactive: boolean): EmulatedServiceError | undefined {
  if (model.lifecycle === 'end-of-life') {
    return new EmulatedServiceError(
      'ResourceNotFoundException',
      404,
      'This model version has reached the end of its life.',
    );
  }
  if (model.lifecycle === 'legacy' && legacyInactive) {
    return new EmulatedServiceError(
      'ResourceNotFoundException',
      404,
      'Access denied. This Model is marked by provider as Legacy and you have not been actively using the model in the last 30 days. Please upgrade to an active model on Amazon Bedrock',
    );
  }
  return undefined;
}

/** Starts an emulator on 127.0.0.1 (a free port unless `port` is given). */
export async function startBedrockEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  let faults = new FaultInjector(options.faults);
  let quirks = options.instructionQuirks;
  const documentTokens = options.documentTokens ?? DEFAULT_DOCUMENT_TOKENS;
  // One cache per server, like one account's cache in one region.
  const promptCache = new PromptCache(options.promptCacheClock);
  let requests = 0;
  const byOutcome: Record<string, number> = {};
  const inFlight = { current: 0, max: 0 };
  const record = (outcome: string): void => {
    byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;
  };

  const serveModelRoute = async (request: Request, response: Response, id: string, name: string) => {
    requests++;
    const fault = faults.next();
    const stream = STREAM_OPERATIONS[name];
    const streamFault: StreamFault | undefined =
      fault && stream ? { kind: fault, atShare: faults.point() } : undefined;
    const faultNow = !streamFault || streamFault.atShare < PRE_STREAM_FAULT_SHARE ? fault : undefined;
    if (faultNow === 'dropConnection') {
      record(faultNow);
      dropConnection(request);
      return;
    }
    if (faultNow) throw faultError(faultNow);
    const resolved = resolveModel(decodeURIComponent(id));
    if (!resolved) throw validationError('The provided model identifier is invalid.');
    const { model } = resolved;
    const unavailable = lifecycleError(model, options.legacyInactive ?? false);
    if (unavailable) throw unavailable;
    if (model.profileOnly && !resolved.throughProfile) {
      throw validationError(
        `Invocation of model ID ${model.id} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
      );
    }
    const latencyPerTokenMs = faults.latencyPerTokenMs;
    const context: HandlerContext = {
      documentTokens,
      quirks,
      delay: (tokens) => sleep(tokens * latencyPerTokenMs),
      promptCache,
    };
    const body = await readBody(request);
    if (stream) {
      await serveStream(
        request,
        response,
        name,
        await stream(model, body, context),
        latencyPerTokenMs,
        streamFault,
      );
      return;
    }
    const reply = await (OPERATIONS[name] as Operation)(model, body, context);
    record('ok');
    send(response, 200, reply.body, reply.headers);
  };

  const serveStream = async (
    request: Request,
    response: Response,
    name: string,
    frames: Awaited<ReturnType<StreamOperation>>,
    latencyPerTokenMs: number,
    fault: StreamFault | undefined,
  ) => {
    record(fault ? `${fault.kind}InStream` : 'ok');
    response.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': randomUUID(),
    });
    let closed = false;
    response.once('close', () => {
      closed = true;
    });
    await writeStream(
      name,
      frames,
      {
        write: (bytes) => {
          (response as http.ServerResponse).write(bytes);
        },
        end: (bytes) => {
          (response as http.ServerResponse).end(bytes);
        },
        drop: () => dropConnection(request),
        get closed() {
          return closed;
        },
      },
      latencyPerTokenMs,
      sleep,
      fault,
    );
  };

  const onRequest = (request: Request, response: Response): void => {
    const route = request.method === 'POST' ? MODEL_ROUTE.exec(request.url ?? '') : null;
    const name = route?.[2];
    if (!route?.[1] || !name || !(OPERATIONS[name] || STREAM_OPERATIONS[name])) {
      request.resume();
      sendError(
        response,
        new EmulatedServiceError(
          'UnknownOperationException',
          404,
          `Unknown operation: ${request.method} ${request.url}`,
        ),
      );
      return;
    }
    inFlight.current++;
    inFlight.max = Math.max(inFlight.max, inFlight.current);
    response.once('close', () => {
      inFlight.current--;
    });
    serveModelRoute(request, response, route[1], name).catch((error: unknown) => {
      const serviceError =
        error instanceof EmulatedServiceError
          ? error
          : new EmulatedServiceError(
              'InternalServerException',
              500,
              'The emulator failed to process the request.',
            );
      record(serviceError.errorType);
      if (!response.headersSent && !response.writableEnded) sendError(response, serviceError);
    });
  };

  const http1 = http.createServer(onRequest);
  const h2 = http2.createServer(onRequest);
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      const isH2 = first.subarray(0, H2_PREFACE_START.length).equals(H2_PREFACE_START);
      (isH2 ? h2 : http1).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    stats: () => ({ requests, byOutcome: { ...byOutcome } }),
    inFlight: () => ({ ...inFlight }),
    setFaults: (next) => {
      faults = new FaultInjector(next);
    },
    setInstructionQuirks: (next) => {
      quirks = next;
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      http1.close();
      h2.close();
      await closed;
    },
  };
}
