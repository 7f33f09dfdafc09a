import type { Usage } from './job-record';
import type { StopReason } from './stop-reason';

/** What a round needs from a model response, whichever API produced it. */
export interface ModelReply {
  /** The visible text: all text blocks, concatenated in order (thinking and other blocks left out). */
  text: string;
  stopReason: StopReason;
  /** Token counts as Bedrock reported them, each present (0 when the response left one out). */
  usage: Required<Usage>;
}
