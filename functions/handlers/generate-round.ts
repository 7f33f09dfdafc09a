import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { streamReply } from '../adapters/bedrock-stream';
import type { JobStore } from '../adapters/job-store';
import { LongformError } from '../core/errors';
import { roundTimeBudget } from '../core/round-time-budget';
import { type RoundReport, type RoundResult, runRoundRecordingFailure } from '../workflow/run-round';
import { instrumented, type StepHandler, type Telemetry } from './shared/powertools';

/** Payload of `Generate next part`. */
export interface GenerateRoundEvent {
  jobId: string;
  round: number;
  /** The execution running the round (`$$.Execution.Name`), absent in payloads of older definitions. */
  executionName?: string;
  /** `$$.Execution.RedriveCount`: a redrive claims the job before the round writes to it. */
  redriveCount?: number;
}

/** What `Generate next part` runs with. */
export interface GenerateRoundDependencies {
  store: JobStore;
  /** One attempt per call: Step Functions owns the retries (see `createBedrockClient`). */
  bedrock: BedrockRuntimeClient;
  telemetry: Telemetry;
}

/**
 * `Generate next part`: one streamed Bedrock call, time-boxed by the Lambda deadline (the text that
 * arrived in time is the round), stored, and the decision whether to go on.
 */
export function createGenerateRoundHandler({
  store,
  bedrock,
  telemetry,
}: GenerateRoundDependencies): StepHandler<GenerateRoundEvent, RoundResult> {
  const { logger, metrics } = telemetry;
  return instrumented(telemetry, async (event, context) => {
    try {
      const report = await runRoundRecordingFailure(
        store,
        (config, conversation) =>
          streamReply(bedrock, config, conversation, roundTimeBudget(context.getRemainingTimeInMillis())),
        event.jobId,
        event.round,
        event.executionName === undefined || event.redriveCount === undefined
          ? undefined
          : { executionName: event.executionName, redriveCount: event.redriveCount },
      );
      logger.info('Round finished', roundLog(report));
      if (report.source === 'model') {
        metrics?.addMetric('Rounds', MetricUnit.Count, 1);
        metrics?.addMetric('InputTokens', MetricUnit.Count, report.usage.inputTokens);
        metrics?.addMetric('OutputTokens', MetricUnit.Count, report.usage.outputTokens);
        metrics?.addMetric('CacheReadInputTokens', MetricUnit.Count, report.usage.cacheReadInputTokens);
        metrics?.addMetric('CacheWriteInputTokens', MetricUnit.Count, report.usage.cacheWriteInputTokens);
        metrics?.addMetric('RoundLatency', MetricUnit.Milliseconds, report.latencyMs);
      } else {
        // A retry or redrive that found the round already stored: no Bedrock call was made.
        metrics?.addMetric('StoredRoundsReused', MetricUnit.Count, 1);
      }
      return report.result;
    } catch (error) {
      const name = error instanceof Error ? error.name : 'UnknownError';
      logger.warn('Round failed', {
        errorName: name,
        retriable: error instanceof LongformError && error.retriable,
      });
      metrics?.addDimension('ErrorName', name);
      metrics?.addMetric('RoundErrors', MetricUnit.Count, 1);
      if (error instanceof Error) {
        // Lambda puts the stack into the execution's error cause; the console shows the name and message only.
        error.stack = `${error.name}: ${error.message}`;
      }
      throw error;
    }
  });
}

/** What a round's log line says: counts and sizes, never text. */
function roundLog(report: RoundReport) {
  const { result } = report;
  return {
    source: report.source,
    stopReason: result.stopReason,
    next: result.next,
    status: result.status,
    roundCharacters: result.roundCharacters,
    documentCharacters: result.documentCharacters,
    outputTokens: result.outputTokens,
    latencyMs: report.latencyMs,
    strategySwitched: report.strategySwitched,
  };
}
