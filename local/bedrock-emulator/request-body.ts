/** Parsing of JSON request bodies into loosely typed records that handlers then check field by field. */
import { validationError } from './service-error';

/** A JSON object with unknown field values. */
export type JsonRecord = Record<string, unknown>;

/** True for a non-null, non-array object. */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a request body that must be a JSON object; anything else is the service's malformed-input error. */
export function parseJsonObject(body: string): JsonRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (!isRecord(parsed))
    throw validationError('Malformed input request, please reformat your input and try again.');
  return parsed;
}

/** The string elements of a value that should be a list of strings (anything else is ignored). */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
