import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { generateReply } from '../adapters/bedrock-model';
import { LongformError } from '../core/errors';
import { runRoundRecordingFailure } from '../workflow/run-round';
import { bedrockClient, jobStore } from './shared/clients';
import { logger, metrics } from './shared/powertools';

/** Time kept back from the Lambda deadline to store the round and advance the job after the model answers. */
const WRITE_RESERVE_MS = 20_000;

/** Payload of `Generate next part`. */
export interface GenerateRoundEvent {
  jobId: string;
  round: number;
}

/** `Generate next part`: one Bedrock call, stored, and the decision whether to go on. */
export const handler = async (event: GenerateRoundEvent, context: Context) => {
  logger.addContext(context);
  logger.appendKeys({ jobId: event.jobId, round: event.round });
  const client = bedrockClient();
  try {
    const report = await runRoundRecordingFailure(
      jobStore(),
      (config, conversation) =>
        generateReply(client, config, conversation, context.getRemainingTimeInMillis() - WRITE_RESERVE_MS),
      event.jobId,
      event.round,
    );
    const { result } = report;
    logger.info('Round finished', {
      source: report.source,
      stopReason: result.stopReason,
      next: result.next,
      status: result.status,
      roundCharacters: result.roundCharacters,
      documentCharacters: result.documentCharacters,
      outputTokens: result.outputTokens,
      latencyMs: report.latencyMs,
      strategySwitched: report.strategySwitched,
    });
    if (report.source === 'model') {
      metrics.addMetric('Rounds', MetricUnit.Count, 1);
      metrics.addMetric('InputTokens', MetricUnit.Count, report.inputTokens);
      metrics.addMetric('OutputTokens', MetricUnit.Count, result.outputTokens);
      metrics.addMetric('RoundLatency', MetricUnit.Milliseconds, report.latencyMs);
    } else {
      // A retry or redrive that found the round already stored: no Bedrock call was made.
      metrics.addMetric('StoredRoundsReused', MetricUnit.Count, 1);
    }
    return result;
  } catch (error) {
    const name = error instanceof Error ? error.name : 'UnknownError';
    logger.warn('Round failed', {
      errorName: name,
      retriable: error instanceof LongformError && error.retriable,
    });
    metrics.addDimension('ErrorName', name);
    metrics.addMetric('RoundErrors', MetricUnit.Count, 1);
    if (error instanceof Error) {
      // Lambda puts the stack into the execution's error cause; the console shows the name and message only.
      error.stack = `${error.name}: ${error.message}`;
    }
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
};
