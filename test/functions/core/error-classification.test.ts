import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttp2Handler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyBedrockError,
  classifyStoreError,
  isContextOverflow,
  isPrefillRejection,
} from '../../../functions/core/error-classification';
import {
  BedrockTimeoutError,
  InvalidInputError,
  StoreUnavailableError,
} from '../../../functions/core/errors';

const CLAUDE_PREFILL =
  'The model returned the following errors: This model does not support assistant message prefill. The conversation must end with a user message.';
const LLAMA_PREFILL =
  'The model that you are using requires the last turn in the conversation to be a user message. Add a user message to the conversation and try again.';
const TRAILING_WHITESPACE =
  'The model returned the following errors: messages: final assistant content cannot end with trailing whitespace';

/** [exception name, HTTP status, Longform error name, retriable]: Bedrock's documented exceptions (docs/architecture.md, "Retries") and a few more. */
const EXCEPTIONS: [string, number, string, boolean][] = [
  ['ThrottlingException', 429, 'BedrockThrottlingError', true],
  ['ServiceQuotaExceededException', 400, 'BedrockThrottlingError', true],
  ['ModelNotReadyException', 429, 'BedrockUnavailableError', true],
  ['ServiceUnavailableException', 503, 'BedrockUnavailableError', true],
  ['InternalServerException', 500, 'BedrockUnavailableError', true],
  ['ModelTimeoutException', 408, 'BedrockTimeoutError', true],
  ['ModelErrorException', 424, 'BedrockModelError', true],
  ['ModelStreamErrorException', 424, 'BedrockModelError', true],
  ['ValidationException', 400, 'BedrockValidationError', false],
  ['ConflictException', 409, 'BedrockValidationError', false],
  ['AccessDeniedException', 403, 'BedrockAccessDeniedError', false],
  ['UnrecognizedClientException', 403, 'BedrockAccessDeniedError', false],
  ['ResourceNotFoundException', 404, 'BedrockModelNotFoundError', false],
];

/** [status of an exception the SDK does not know, Longform error name]. */
const STATUSES: [number, string][] = [
  [429, 'BedrockThrottlingError'],
  [408, 'BedrockTimeoutError'],
  [424, 'BedrockModelError'],
  [500, 'BedrockUnavailableError'],
  [502, 'BedrockUnavailableError'],
  [503, 'BedrockUnavailableError'],
  [504, 'BedrockUnavailableError'],
  [400, 'BedrockValidationError'],
  [401, 'BedrockAccessDeniedError'],
  [403, 'BedrockAccessDeniedError'],
  [404, 'BedrockModelNotFoundError'],
];

/** Node network failures as Node and undici report them. */
const NETWORK: [string, Record<string, unknown>, string][] = [
  ['ECONNRESET', { code: 'ECONNRESET', message: 'read ECONNRESET' }, 'BedrockUnavailableError'],
  ['ECONNREFUSED', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'BedrockUnavailableError'],
  ['EPIPE', { code: 'EPIPE', message: 'write EPIPE' }, 'BedrockUnavailableError'],
  ['ENOTFOUND', { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' }, 'BedrockUnavailableError'],
  ['EAI_AGAIN', { code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN' }, 'BedrockUnavailableError'],
  ['EHOSTUNREACH', { code: 'EHOSTUNREACH', message: 'connect EHOSTUNREACH' }, 'BedrockUnavailableError'],
  [
    'ERR_HTTP2_STREAM_ERROR',
    { code: 'ERR_HTTP2_STREAM_ERROR', message: 'Stream closed' },
    'BedrockUnavailableError',
  ],
  [
    'ERR_HTTP2_GOAWAY_SESSION',
    { code: 'ERR_HTTP2_GOAWAY_SESSION', message: 'goaway' },
    'BedrockUnavailableError',
  ],
  ['socket hang up', { message: 'socket hang up' }, 'BedrockUnavailableError'],
  [
    'a wrapped ECONNRESET',
    { message: 'fetch failed', cause: { code: 'ECONNRESET' } },
    'BedrockUnavailableError',
  ],
  ['ETIMEDOUT', { code: 'ETIMEDOUT', message: 'connect ETIMEDOUT' }, 'BedrockTimeoutError'],
  ['TimeoutError', { name: 'TimeoutError', message: 'Request timed out' }, 'BedrockTimeoutError'],
  ['AbortError', { name: 'AbortError', message: 'The operation was aborted' }, 'BedrockTimeoutError'],
];

function errorWith(fields: Record<string, unknown>): Error {
  const cause = fields.cause ? errorWith(fields.cause as Record<string, unknown>) : undefined;
  const error = new Error(String(fields.message ?? ''), { cause });
  return Object.assign(
    error,
    fields.name ? { name: fields.name } : {},
    fields.code ? { code: fields.code } : {},
  );
}

describe('isPrefillRejection', () => {
  it('recognizes the Claude and the Llama wording', () => {
    expect(isPrefillRejection(CLAUDE_PREFILL)).toBe(true);
    expect(isPrefillRejection(LLAMA_PREFILL)).toBe(true);
    expect(isPrefillRejection(CLAUDE_PREFILL.toUpperCase())).toBe(true);
  });

  it('does not take other validation errors for a prefill rejection', () => {
    expect(isPrefillRejection(TRAILING_WHITESPACE)).toBe(false);
    expect(isPrefillRejection('max_tokens: 200000 > 64000, which is the maximum allowed')).toBe(false);
    expect(isPrefillRejection('')).toBe(false);
  });
});

describe('isContextOverflow', () => {
  const overflows = [
    'input length and `max_tokens` exceed context limit: 187254 + 20000 > 204698, decrease input length or `max_tokens` and try again',
    'The model returned the following errors: prompt is too long: 210000 tokens > 200000 maximum',
    'Input is too long for requested model.',
  ];

  it.each(overflows)('recognizes %j and classifies it as ContextWindowFullError', (message) => {
    expect(isContextOverflow(message)).toBe(true);
    const error = classifyBedrockError(
      new ValidationException({ message, $metadata: { httpStatusCode: 400 } }),
    );
    expect(error.name).toBe('ContextWindowFullError');
    expect(error.message).toBe(message);
  });

  it('does not take other validation errors for a full context window', () => {
    expect(isContextOverflow(CLAUDE_PREFILL)).toBe(false);
    expect(isContextOverflow('max_tokens: 200000 > 64000, which is the maximum allowed')).toBe(false);
  });
});

describe('classifyBedrockError (SDK exception objects)', () => {
  it('keeps the message and the original error as cause', () => {
    const original = new ThrottlingException({
      message: 'Too many tokens',
      $metadata: { httpStatusCode: 429 },
    });
    const error = classifyBedrockError(original);
    expect(error.name).toBe('BedrockThrottlingError');
    expect(error.message).toBe('Too many tokens');
    expect(error.cause).toBe(original);
  });

  it('turns a prefill ValidationException into PrefillRejectedError, in both wordings', () => {
    for (const message of [CLAUDE_PREFILL, LLAMA_PREFILL]) {
      const error = classifyBedrockError(
        new ValidationException({ message, $metadata: { httpStatusCode: 400 } }),
      );
      expect(error.name).toBe('PrefillRejectedError');
      expect(error.retriable).toBe(false);
    }
    const other = new ValidationException({
      message: TRAILING_WHITESPACE,
      $metadata: { httpStatusCode: 400 },
    });
    expect(classifyBedrockError(other).name).toBe('BedrockValidationError');
  });

  it.each([
    ['an unknown model id', 'The provided model identifier is invalid.', 'BedrockModelNotFoundError'],
    ['a content filter', 'Output blocked by content filtering policy', 'ContentBlockedError'],
    ['a full context window', 'prompt is too long: 210000 tokens > 200000 maximum', 'ContextWindowFullError'],
  ])('names the 400 for %s by its message', (_what, message, expected) => {
    const error = classifyBedrockError(
      new ValidationException({ message, $metadata: { httpStatusCode: 400 } }),
    );
    expect(error.name).toBe(expected);
    expect(error.message).toBe(message);
    expect(error.retriable).toBe(false);
  });

  it('keeps a retired or legacy model a BedrockModelNotFoundError (404 ResourceNotFoundException)', () => {
    for (const message of [
      'This model version has reached the end of its life.',
      'Access denied. This Model is marked by provider as Legacy and you have not been actively using the model in the last 30 days. Please upgrade to an active model on Amazon Bedrock',
    ]) {
      const error = classifyBedrockError(
        Object.assign(new Error(message), {
          name: 'ResourceNotFoundException',
          $metadata: { httpStatusCode: 404 },
        }),
      );
      expect(error.name).toBe('BedrockModelNotFoundError');
    }
  });

  it('turns a prefill rejection with an unknown name but status 400 into PrefillRejectedError', () => {
    const error = Object.assign(new Error(LLAMA_PREFILL), {
      name: 'SomethingElse',
      $metadata: { httpStatusCode: 400 },
    });
    expect(classifyBedrockError(error).name).toBe('PrefillRejectedError');
  });

  it.each(NETWORK)('classifies %s', (_what, fields, expected) => {
    const error = classifyBedrockError(errorWith(fields));
    expect(error.name).toBe(expected);
    expect(error.retriable).toBe(true);
  });

  it('passes Longform errors through unchanged', () => {
    const own = new BedrockTimeoutError('deadline');
    expect(classifyBedrockError(own)).toBe(own);
  });

  it('uses the SDK fault for server errors without a status', () => {
    const error = Object.assign(new Error('odd'), { name: 'OddException', $fault: 'server' });
    expect(classifyBedrockError(error).name).toBe('BedrockUnavailableError');
  });

  it('does not retry what it cannot recognize (a bug must surface)', () => {
    for (const thrown of [new TypeError('x is not a function'), 'a string', undefined, { weird: true }]) {
      const error = classifyBedrockError(thrown);
      expect(error.name).toBe('BedrockUnexpectedError');
      expect(error.retriable).toBe(false);
      expect(error.cause).toBe(thrown);
    }
  });
});

/** A local HTTP/2 server that answers like Bedrock with whatever `respond` decides. */
function bedrockLikeServer(
  respond: (stream: http2.ServerHttp2Stream, path: string) => void,
): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    // Read the request fully before answering, as a real service does.
    stream.resume();
    stream.on('end', () => respond(stream, String(headers[':path'])));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        endpoint: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const session of sessions) session.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function clientFor(endpoint: string, requestTimeout = 10_000): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    endpoint,
    maxAttempts: 1,
    requestHandler: new NodeHttp2Handler({ requestTimeout, sessionTimeout: requestTimeout }),
  });
}

async function callAndClassify(client: BedrockRuntimeClient, modelId: string) {
  try {
    await client.send(
      new ConverseCommand({ modelId, messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
    );
  } catch (error) {
    return { original: error, classified: classifyBedrockError(error) };
  }
  throw new Error('the call succeeded');
}

describe('classifyBedrockError (real SDK client against a local server)', () => {
  let server: Awaited<ReturnType<typeof bedrockLikeServer>>;
  let client: BedrockRuntimeClient;

  beforeAll(async () => {
    // The model id in the path selects the answer: `<ErrorType>.<status>` or a network fault.
    server = await bedrockLikeServer((stream, path) => {
      const modelId = decodeURIComponent(path.split('/')[2] ?? '');
      if (modelId === 'drop') {
        stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
        return;
      }
      if (modelId === 'silent') return;
      const [errorType, status] = modelId.split('.');
      stream.respond({
        ':status': Number(status),
        'content-type': 'application/json',
        ...(errorType === 'none'
          ? {}
          : { 'x-amzn-errortype': `${errorType}:http://internal.amazon.com/coral/` }),
      });
      const message =
        errorType === 'ValidationException' && status === '400' ? CLAUDE_PREFILL : `${errorType} happened`;
      stream.end(JSON.stringify({ message }));
    });
    client = clientFor(server.endpoint);
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it.each(EXCEPTIONS)('%s (HTTP %i) → %s', async (exception, status, expected, retriable) => {
    const { original, classified } = await callAndClassify(client, `${exception}.${status}`);
    expect((original as Error).name).toBe(exception);
    const name = exception === 'ValidationException' ? 'PrefillRejectedError' : expected;
    expect(classified.name).toBe(name);
    expect(classified.retriable).toBe(retriable);
    expect(classified.cause).toBe(original);
    if (exception !== 'ValidationException') expect(classified.message).toBe(`${exception} happened`);
  });

  it.each(STATUSES)('an unknown exception with HTTP %i → %s', async (status, expected) => {
    const { classified } = await callAndClassify(client, `none.${status}`);
    expect(classified.name).toBe(expected);
  });

  it('a reset stream → BedrockUnavailableError', async () => {
    const { classified } = await callAndClassify(client, 'drop');
    expect(classified.name).toBe('BedrockUnavailableError');
    expect(classified.retriable).toBe(true);
  });

  it('a client request timeout → BedrockTimeoutError', async () => {
    const impatient = clientFor(server.endpoint, 200);
    try {
      const { classified } = await callAndClassify(impatient, 'silent');
      expect(classified.name).toBe('BedrockTimeoutError');
    } finally {
      impatient.destroy();
    }
  });

  it('a refused connection → BedrockUnavailableError', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const refused = clientFor(`http://127.0.0.1:${port}`);
    try {
      const { classified } = await callAndClassify(refused, 'any');
      expect(classified.name).toBe('BedrockUnavailableError');
    } finally {
      refused.destroy();
    }
  });
});

describe('classifyStoreError', () => {
  it.each([
    'ProvisionedThroughputExceededException',
    'RequestLimitExceeded',
    'ThrottlingException',
    'InternalServerError',
  ])('%s → StoreUnavailableError', (name) => {
    const original = Object.assign(new Error(`${name} message`), {
      name,
      $metadata: { httpStatusCode: 400 },
    });
    const error = classifyStoreError(original);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.message).toBe(`${name} message`);
    expect(error.cause).toBe(original);
  });

  it.each([500, 503])('HTTP %i → StoreUnavailableError', (status) => {
    const original = Object.assign(new Error('x'), {
      name: 'Whatever',
      $metadata: { httpStatusCode: status },
    });
    expect(classifyStoreError(original)).toBeInstanceOf(StoreUnavailableError);
  });

  it.each(NETWORK)('%s → StoreUnavailableError', (_what, fields) => {
    expect(classifyStoreError(errorWith(fields))).toBeInstanceOf(StoreUnavailableError);
  });

  it('returns everything else unchanged', () => {
    for (const name of [
      'ConditionalCheckFailedException',
      'ValidationException',
      'ResourceNotFoundException',
    ]) {
      const original = Object.assign(new Error('no'), { name, $metadata: { httpStatusCode: 400 } });
      expect(classifyStoreError(original)).toBe(original);
    }
    const own = new InvalidInputError('prompt', 'prompt is required');
    expect(classifyStoreError(own)).toBe(own);
  });

  it('wraps a thrown non-error in an Error', () => {
    const error = classifyStoreError('boom');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('boom');
  });
});
