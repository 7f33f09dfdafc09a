/**
 * The `application/vnd.amazon.eventstream` framing Bedrock's streaming operations answer with: each
 * message is a prelude (total length, headers length, both big-endian uint32, and the prelude's
 * CRC32), headers (name length byte, name, type byte 7 = string, uint16 value length, value), the
 * payload and the CRC32 of everything before it. Written here rather than borrowed from the SDK, so
 * that the SDK's decoder checks an independent encoder.
 */
import { crc32 } from 'node:zlib';

/** Header value type 7: a UTF-8 string with a 2-byte length. */
const STRING_HEADER = 7;
const PRELUDE_BYTES = 12;
const CRC_BYTES = 4;

/** One event-stream message: string headers and a payload. */
export interface EventStreamMessage {
  headers: Readonly<Record<string, string>>;
  payload: Uint8Array;
}

function encodeHeaders(headers: Readonly<Record<string, string>>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.from(value, 'utf8');
    const fixed = Buffer.alloc(1 + nameBytes.length + 3);
    fixed.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(fixed, 1);
    fixed.writeUInt8(STRING_HEADER, 1 + nameBytes.length);
    fixed.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    parts.push(fixed, valueBytes);
  }
  return Buffer.concat(parts);
}

/** Encodes one message, CRCs included. */
export function encodeEventStreamMessage({ headers, payload }: EventStreamMessage): Buffer {
  const headerBytes = encodeHeaders(headers);
  const total = PRELUDE_BYTES + headerBytes.length + payload.length + CRC_BYTES;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, PRELUDE_BYTES);
  Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).copy(
    message,
    PRELUDE_BYTES + headerBytes.length,
  );
  message.writeUInt32BE(crc32(message.subarray(0, total - CRC_BYTES)), total - CRC_BYTES);
  return message;
}

/** An event (`:message-type: event`) with a JSON payload. */
export function eventMessage(eventType: string, payload: unknown): Buffer {
  return encodeEventStreamMessage({
    headers: { ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' },
    payload: Buffer.from(JSON.stringify(payload), 'utf8'),
  });
}

/**
 * An exception inside the stream (`:message-type: exception`): `exceptionType` is the union member's
 * name, such as `throttlingException`, and the SDK raises it as its exception class.
 */
export function exceptionMessage(exceptionType: string, message: string): Buffer {
  return encodeEventStreamMessage({
    headers: {
      ':exception-type': exceptionType,
      ':content-type': 'application/json',
      ':message-type': 'exception',
    },
    payload: Buffer.from(JSON.stringify({ message }), 'utf8'),
  });
}
