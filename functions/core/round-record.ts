import type { ContinuationStrategy } from './job-config';
import type { Usage } from './job-record';
import type { SeamRule } from './seam-rule';
import type { StopReason } from './stop-reason';
import type { RoundDecision } from './stop-reason-policy';

/** One stored round: the raw model text and everything needed to fold it into the document. */
export interface RoundRecord {
  round: number;
  text: string;
  strategy: ContinuationStrategy;
  seam: SeamRule;
  stopReason: StopReason;
  usage: Usage;
  latencyMs: number;
  /** Document length after this round. */
  documentCharacters: number;
  decision: RoundDecision;
  createdAt: string;
}
