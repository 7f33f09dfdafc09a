/** Which Bedrock Runtime operation a job calls. */
export type BedrockApi = 'converse' | 'invoke';

/** How a job asks the model to go on after a round stopped at `max_tokens` (docs/architecture.md, "Continuation strategies"). */
export type ContinuationMode = 'prefill' | 'instruction' | 'auto';

/** The strategy a round actually uses: `auto` resolves to one of these. */
export type ContinuationStrategy = 'prefill' | 'instruction';

/** One conversation turn of the execution input. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  text: string;
}

/**
 * A validated job: the execution input with stack defaults applied.
 * Optional sampling fields stay absent unless the user gave them (newer Claude models reject them).
 */
export interface JobConfig {
  /** The conversation that opens the job; always ends with a user turn. */
  messages: ChatTurn[];
  system?: string;
  modelId: string;
  api: BedrockApi;
  maxTokensPerRound: number;
  maxRounds: number;
  continuation: ContinuationMode;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences: string[];
  /** `false`: rounds send no cache points. Absent: prompt caching on where the model supports it. */
  promptCaching?: false;
}

/** Stack-level defaults and bounds that validation applies (read from the environment by handlers only). */
export interface JobDefaults {
  modelId: string;
  maxTokensPerRound: number;
  maxRounds: number;
  /** Model ids (inference-profile ids included) a job may name; empty means any. */
  allowedModelIds: string[];
  /**
   * Largest `maxTokensPerRound` a job may ask for, below the model's own limit: a round is one Lambda
   * invocation of at most 15 minutes. Absent: only the model's limit applies.
   */
  maxTokensPerRoundLimit?: number;
}
