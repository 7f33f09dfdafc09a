/** Seeded, reproducible fault injection for one emulator instance. */
import { createRandom, type SeededRandom } from './seeded-random';
import { EmulatedServiceError } from './service-error';

/** A fault the emulator can inject instead of answering. */
export type FaultKind = 'throttle' | 'unavailable' | 'internal' | 'modelTimeout' | 'dropConnection';

/** Fault configuration; rates are probabilities (0..1) per model request, drawn from a seeded PRNG. */
export interface EmulatorFaults {
  /** PRNG seed so a failing test replays exactly. */
  seed?: number;
  /** → 429 ThrottlingException */
  throttleRate?: number;
  /** → 503 ServiceUnavailableException */
  unavailableRate?: number;
  /** → 500 InternalServerException */
  internalErrorRate?: number;
  /** → 408 ModelTimeoutException */
  modelTimeoutRate?: number;
  /** Destroy the stream/socket mid-request (no response). */
  dropConnectionRate?: number;
  /** Delay before answering = output tokens * this. */
  latencyPerTokenMs?: number;
  /**
   * Explicit script, checked before the rates: fault for the n-th model request (0-based, counted from
   * server start or the last `setFaults`), or undefined.
   */
  plan?: (requestIndex: number) => FaultKind | undefined;
}

const RATE_ORDER = [
  ['throttle', 'throttleRate'],
  ['unavailable', 'unavailableRate'],
  ['internal', 'internalErrorRate'],
  ['modelTimeout', 'modelTimeoutRate'],
  ['dropConnection', 'dropConnectionRate'],
] as const satisfies readonly (readonly [FaultKind, keyof EmulatorFaults])[];

/** Decides, request by request, which fault (if any) to inject. */
export class FaultInjector {
  private readonly random: SeededRandom;
  private requestIndex = 0;

  constructor(private readonly faults: EmulatorFaults = {}) {
    this.random = createRandom(faults.seed ?? 0);
  }

  /** Delay per output token before answering, in milliseconds. */
  get latencyPerTokenMs(): number {
    return this.faults.latencyPerTokenMs ?? 0;
  }

  /** A seeded point in [0, 1): where in a streamed answer its fault strikes. */
  point(): number {
    return this.random.next();
  }

  /** The fault for the next model request. Draws one number per request so replays line up. */
  next(): FaultKind | undefined {
    const index = this.requestIndex++;
    const roll = this.random.next();
    const planned = this.faults.plan?.(index);
    if (planned) return planned;
    let threshold = 0;
    for (const [kind, rate] of RATE_ORDER) {
      threshold += this.faults[rate] ?? 0;
      if (roll < threshold) return kind;
    }
    return undefined;
  }
}

const FAULT_ERRORS = {
  throttle: ['ThrottlingException', 429, 'Too many requests, please wait before trying again.'],
  unavailable: ['ServiceUnavailableException', 503, 'Bedrock is unable to process your request.'],
  internal: [
    'InternalServerException',
    500,
    'The system encountered an unexpected error during processing. Try your request again.',
  ],
  modelTimeout: [
    'ModelTimeoutException',
    408,
    'Model has timed out in processing the request. Try your request again.',
  ],
} as const;

/** The error response for a fault that answers (every kind but `dropConnection`). */
export function faultError(kind: Exclude<FaultKind, 'dropConnection'>): EmulatedServiceError {
  const [type, status, message] = FAULT_ERRORS[kind];
  return new EmulatedServiceError(type, status, message);
}
