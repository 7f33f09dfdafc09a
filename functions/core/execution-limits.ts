/** Step Functions' limit on execution input, in UTF-8 bytes (256 KiB): a job over it is stored first. */
export const MAX_EXECUTION_INPUT_BYTES = 262_144;

/** Step Functions redrives an unsuccessful Standard execution within 14 days of its end. */
export const REDRIVE_PERIOD_MS = 14 * 86_400_000;
