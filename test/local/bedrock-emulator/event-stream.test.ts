import { EventStreamCodec } from '@smithy/core/event-streams';
import { describe, expect, it } from 'vitest';
import {
  encodeEventStreamMessage,
  eventMessage,
  exceptionMessage,
} from '../../../local/bedrock-emulator/event-stream';

// The SDK's own decoder checks both CRCs and the lengths, so it is the judge of the emulator's encoder.
const codec = new EventStreamCodec(
  (bytes) => new TextDecoder().decode(bytes),
  (text) => new TextEncoder().encode(text),
);
const json = (body: Uint8Array) => JSON.parse(new TextDecoder().decode(body));

describe('event-stream encoding, decoded by the SDK', () => {
  it('round-trips an event with its headers and JSON payload, emoji and CJK included', () => {
    const payload = { contentBlockIndex: 0, delta: { text: '海 🙂 done' } };
    const decoded = codec.decode(eventMessage('contentBlockDelta', payload));
    expect(decoded.headers).toEqual({
      ':event-type': { type: 'string', value: 'contentBlockDelta' },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    });
    expect(json(decoded.body)).toEqual(payload);
  });

  it('marks an exception with its type', () => {
    const decoded = codec.decode(exceptionMessage('throttlingException', 'Too many requests'));
    expect(decoded.headers[':message-type']?.value).toBe('exception');
    expect(decoded.headers[':exception-type']?.value).toBe('throttlingException');
    expect(json(decoded.body)).toEqual({ message: 'Too many requests' });
  });

  it('is refused by the SDK when a byte is corrupted (the CRCs are real)', () => {
    const message = encodeEventStreamMessage({ headers: { a: 'b' }, payload: Buffer.from('{"x":1}') });
    const payloadAt = message.length - 6;
    message[payloadAt] = (message[payloadAt] ?? 0) ^ 0xff;
    expect(() => codec.decode(message)).toThrow(/checksum/i);
    const prelude = encodeEventStreamMessage({ headers: { a: 'b' }, payload: Buffer.from('{}') });
    prelude[5] = (prelude[5] ?? 0) ^ 0x01;
    expect(() => codec.decode(prelude)).toThrow(/checksum/i);
  });
});
