import {
  type BedrockRuntimeClient,
  ConverseStreamCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { buildAnthropicBody, buildConverseRequest } from '../core/bedrock-request';
import { classifyBedrockError } from '../core/error-classification';
import { RoundDeadlineError } from '../core/errors';
import type { ChatTurn, JobConfig } from '../core/job-config';
import { keepsFailedStream, type RoundTimeBudget } from '../core/round-time-budget';
import { StreamedReply } from '../core/streamed-reply';
import { type TimedReply, withModelId } from './bedrock-model';

/**
 * Calls Bedrock once for a round with a streaming operation (ConverseStream, or
 * InvokeModelWithResponseStream with an Anthropic Messages body) and reads the stream until the model
 * stops or the round's time budget runs out (docs/architecture.md, "Time-boxed rounds"). At the
 * budget the stream is ended and the text received is the reply, stop reason `time_budget`; the
 * round joins it like one cut by `max_tokens`. A stream that fails keeps its text the same way once it
 * ran past `budget.keepFailedAfterMs` on a retriable error; earlier, or on a permanent error, the
 * classified error is thrown and the round is retried whole.
 * @throws RoundDeadlineError when the budget ran out before any text arrived.
 */
export async function streamReply(
  client: BedrockRuntimeClient,
  config: JobConfig,
  conversation: ChatTurn[],
  budget: RoundTimeBudget,
): Promise<TimedReply> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, budget.cutAfterMs);
  const started = performance.now();
  const reply = new StreamedReply();
  const timed = (): TimedReply => {
    const latencyMs = Math.round(performance.now() - started);
    if (reply.stopped) return { ...reply.finish(), latencyMs };
    if (reply.text === '') {
      throw new RoundDeadlineError(
        `Bedrock streamed no text within ${Math.round(budget.cutAfterMs / 1000)} s, the round's time budget before the function's deadline`,
      );
    }
    return { ...reply.cut(), latencyMs };
  };
  try {
    await readStream(client, config, conversation, reply, controller.signal, () => timedOut);
    return timedOut ? timed() : { ...reply.finish(), latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    if (timedOut || reply.stopped) return timed();
    const classified = withModelId(classifyBedrockError(error), config.modelId);
    if (classified.retriable && keepsFailedStream(budget, performance.now() - started, reply.text)) {
      return timed();
    }
    throw classified;
  } finally {
    clearTimeout(timer);
    // Ends a stream left early (a cut, an error thrown by an event): Bedrock stops generating.
    controller.abort();
  }
}

async function readStream(
  client: BedrockRuntimeClient,
  config: JobConfig,
  conversation: ChatTurn[],
  reply: StreamedReply,
  abortSignal: AbortSignal,
  cut: () => boolean,
): Promise<void> {
  if (config.api === 'invoke') {
    const output = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: config.modelId,
        contentType: 'application/json',
        accept: 'application/json',
        body: JSON.stringify(buildAnthropicBody(config, conversation)),
      }),
      { abortSignal },
    );
    const decoder = new TextDecoder();
    for await (const event of output.body ?? []) {
      throwIfException(event);
      if (event.chunk?.bytes) reply.addAnthropicEvent(JSON.parse(decoder.decode(event.chunk.bytes)));
      if (cut()) return;
    }
    return;
  }
  // The core builds a plain object with exactly the Converse request's shape, which ConverseStream shares.
  const request = buildConverseRequest(config, conversation) as ConstructorParameters<
    typeof ConverseStreamCommand
  >[0];
  const output = await client.send(new ConverseStreamCommand(request), { abortSignal });
  for await (const event of output.stream ?? []) {
    throwIfException(event);
    reply.addConverseEvent(event as unknown as Record<string, unknown>);
    if (cut()) return;
  }
}

/** An exception event (throttling, model stream error, ...) fails the stream like an error response. */
function throwIfException(event: object): void {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('Exception') && value) throw value;
  }
}
