import { MAX_INLINE_INPUT_BYTES, prepareExecutionInput } from '../client/execution-input';
import { MAX_EXECUTION_INPUT_BYTES } from '../functions/core/execution-limits';
import { targetDocument } from '../local/bedrock-emulator';
import { runExecution, withOfflineRuntime } from './offline-jobs';
import { ScenarioRecorder, type ScenarioReport } from './scenario-report';

/** A prompt whose execution input JSON is `bytes` long (give or take a few), with UTF-8 of every width. */
export function promptOfInputSize(bytes: number, tokens: number): string {
  const head = `A report on everything in this brief [emulator:tokens=${tokens}] `;
  const filler = 'Harbor ledger entry, café №7 — 東京 ✨ 🚀. ';
  const target = bytes - Buffer.byteLength(JSON.stringify({ prompt: head }));
  let prompt = head + filler.repeat(Math.floor(target / Buffer.byteLength(filler)));
  while (Buffer.byteLength(JSON.stringify({ prompt })) < bytes) prompt += '.';
  return prompt;
}

/** Options of {@link runLargeInputs}. */
export interface LargeInputsOptions {
  /** Length of the long document (the emulator allows up to 950,000 tokens). */
  documentTokens: number;
  maxTokensPerRound: number;
}

/**
 * Inputs near Step Functions' limits: a prompt whose input is just under the inline limit, one just under
 * the 256 KiB execution-input limit (stored by the client first, the execution starts with `{ jobId }`),
 * and a long document over many rounds on a 1M-context model in instruction mode, sampling the process's
 * resident memory while it runs.
 */
export async function runLargeInputs(options: LargeInputsOptions): Promise<ScenarioReport> {
  const recorder = new ScenarioRecorder('near-limit prompts, long document');
  await withOfflineRuntime({}, async (runtime) => {
    const defaults = runtime.defaults;
    for (const [jobId, bytes, stored] of [
      ['prompt-inline', MAX_INLINE_INPUT_BYTES - 64, false],
      ['prompt-stored-first', MAX_EXECUTION_INPUT_BYTES - 256, true],
    ] as const) {
      const input = { prompt: promptOfInputSize(bytes, 900), maxTokensPerRound: 200 };
      const executionInput = await prepareExecutionInput(runtime.store, defaults, jobId, input);
      const inputBytes = Buffer.byteLength(JSON.stringify(executionInput));
      if ('jobId' in executionInput !== stored || inputBytes > MAX_EXECUTION_INPUT_BYTES) {
        recorder.problem(
          `${jobId}: execution input of ${inputBytes} bytes (stored first: ${'jobId' in executionInput})`,
        );
      }
      const { outcome } = await runExecution(runtime, jobId, executionInput);
      if (outcome.status !== 'SUCCEEDED')
        recorder.problem(`${jobId} ended ${outcome.error}: ${outcome.cause}`);
      recorder.document(jobId, await runtime.store.loadDocument(jobId), targetDocument(input));
      recorder.note(
        `${jobId}: prompt input ${Math.round(bytes / 1024)} KiB, execution input ${inputBytes} bytes`,
      );
    }

    const jobId = 'long-document';
    const input = {
      prompt: `The complete atlas of lighthouses [emulator:tokens=${options.documentTokens}]`,
      modelId: 'us.anthropic.claude-opus-4-6-v1',
      continuation: 'instruction',
      maxTokensPerRound: options.maxTokensPerRound,
    };
    const target = targetDocument(input);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const started = performance.now();
    const { outcome } = await runExecution(runtime, jobId, input);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    if (outcome.status !== 'SUCCEEDED') recorder.problem(`${jobId} ended ${outcome.error}: ${outcome.cause}`);
    let document = '';
    for await (const piece of runtime.store.streamDocument(jobId)) document += piece;
    recorder.document(jobId, document, target);
    const job = await runtime.store.getJob(jobId);
    const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    recorder.note(
      `${jobId}: ${target.length} characters (${mib(Buffer.byteLength(target))} UTF-8) in ${
        job ? job.nextRound - 1 : 0
      } rounds, ${seconds.toFixed(1)} s; RSS ${mib(before)} before, peak ${mib(peak)}`,
    );
  });
  return recorder.finish();
}
