/**
 * A stop reason from either API, normalized to one vocabulary (docs/architecture.md, "Stop reasons").
 * Unknown values are kept verbatim so the job can name them when it fails.
 */
export type StopReason =
  | 'end_turn'
  | 'max_tokens'
  /** Longform's own: the round's time budget ran out and the text streamed so far was kept. */
  | 'time_budget'
  | 'stop_sequence'
  | 'model_context_window_exceeded'
  | 'refusal'
  | 'guardrail_intervened'
  | 'content_filtered'
  | 'tool_use'
  | 'pause_turn'
  | 'malformed_model_output'
  | 'malformed_tool_use'
  | (string & {});
