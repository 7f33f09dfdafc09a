import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResourceNotFoundException, ScanCommand } from '@aws-sdk/client-dynamodb';
import { MAX_INPUT_TEXT_BYTES, MAX_ROUNDS_LIMIT, MAX_STOP_SEQUENCES } from '../functions/core/job-input';
import { startBedrockEmulator, targetDocument } from '../local/bedrock-emulator';
import { createRandom } from '../local/bedrock-emulator/seeded-random';
import { LOCAL_TABLE_NAME, startLocalDynamoDb } from '../local/local-dynamodb';
import { localBedrockEnvironment } from './bedrock-endpoint';
import { startBedrockGate } from './bedrock-gate';
import { runCli, startCli } from './cli-process';
import { ScenarioRecorder, type ScenarioReport } from './scenario-report';

/** One bad command line and how `longform` must refuse it. */
export interface BadCommandLine {
  name: string;
  /** Arguments after `longform`; `scratch` is a directory the case may write input files to. */
  args: (scratch: string) => string[];
  /** 2 for a usage error, 1 for input the job refuses. */
  exitCode: 1 | 2;
  /** What the one line on stderr must name: the flag, field or limit. */
  names: string;
}

const PROMPT = 'A short story about a lighthouse';

/** Bad command lines, each refused with a non-zero exit and a line naming the field, nothing stored. */
export const BAD_COMMAND_LINES: readonly BadCommandLine[] = [
  { name: 'empty prompt', args: () => ['run', ''], exitCode: 1, names: 'prompt' },
  { name: 'white-space prompt', args: () => ['run', ' \n '], exitCode: 1, names: 'prompt' },
  { name: 'no prompt', args: () => ['run'], exitCode: 2, names: 'PROMPT' },
  { name: 'two prompts', args: () => ['run', 'a', 'b'], exitCode: 2, names: 'PROMPT' },
  {
    name: 'maxTokensPerRound not a number',
    args: () => ['run', PROMPT, '--max-tokens-per-round', 'lots'],
    exitCode: 2,
    names: '--max-tokens-per-round',
  },
  {
    name: 'maxTokensPerRound zero',
    args: () => ['run', PROMPT, '--max-tokens-per-round', '0'],
    exitCode: 1,
    names: '--max-tokens-per-round',
  },
  {
    name: 'maxTokensPerRound over the model limit',
    args: () => ['run', PROMPT, '--max-tokens-per-round', '200000'],
    exitCode: 1,
    names: '--max-tokens-per-round',
  },
  {
    name: 'maxRounds zero',
    args: () => ['run', PROMPT, '--max-rounds', '0'],
    exitCode: 1,
    names: '--max-rounds',
  },
  {
    name: 'maxRounds over the history bound',
    args: () => ['run', PROMPT, '--max-rounds', '5000'],
    exitCode: 1,
    names: String(MAX_ROUNDS_LIMIT),
  },
  {
    name: 'maxRounds fractional',
    args: () => ['run', PROMPT, '--max-rounds', '2.5'],
    exitCode: 2,
    names: '--max-rounds',
  },
  {
    name: 'hexadecimal number',
    args: () => ['run', PROMPT, '--max-tokens-per-round', '0x10'],
    exitCode: 2,
    names: '--max-tokens-per-round',
  },
  {
    name: 'exponent number',
    args: () => ['run', PROMPT, '--max-rounds', '1e3'],
    exitCode: 2,
    names: '--max-rounds',
  },
  {
    name: 'padded number',
    args: () => ['run', PROMPT, '--temperature', ' 0.5'],
    exitCode: 2,
    names: '--temperature',
  },
  {
    name: 'repeated flag',
    args: () => ['run', PROMPT, '--max-rounds', '3', '--max-rounds', '4'],
    exitCode: 2,
    names: 'given more than once',
  },
  { name: 'empty --out', args: () => ['run', PROMPT, '--out', ''], exitCode: 2, names: '--out' },
  {
    name: 'binary prompt file',
    args: (scratch) => ['run', '--prompt-file', join(scratch, 'binary.bin')],
    exitCode: 2,
    names: 'binary',
  },
  {
    name: 'prompt file not UTF-8',
    args: (scratch) => ['run', '--prompt-file', join(scratch, 'latin1.txt')],
    exitCode: 2,
    names: 'not valid UTF-8',
  },
  { name: 'misspelt command', args: () => ['rnu', PROMPT], exitCode: 2, names: 'Did you mean run?' },
  {
    name: 'misspelt flag',
    args: () => ['run', PROMPT, '--max-round', '3'],
    exitCode: 2,
    names: 'Did you mean --max-rounds?',
  },
  {
    name: 'temperature out of range',
    args: () => ['run', PROMPT, '--temperature', '3'],
    exitCode: 1,
    names: 'temperature',
  },
  {
    name: 'temperature not a number',
    args: () => ['run', PROMPT, '--temperature', 'warm'],
    exitCode: 2,
    names: '--temperature',
  },
  { name: 'unknown api', args: () => ['run', PROMPT, '--api', 'stream'], exitCode: 1, names: 'api' },
  {
    name: 'invoke with a non-Anthropic model',
    args: () => ['run', PROMPT, '--api', 'invoke', '--model', 'amazon.nova-pro-v1:0'],
    exitCode: 1,
    names: 'api',
  },
  {
    name: 'invalid continuation',
    args: () => ['run', PROMPT, '--continuation', 'append'],
    exitCode: 1,
    names: 'continuation',
  },
  {
    name: 'stop sequence list too long',
    args: () => [
      'run',
      PROMPT,
      ...Array.from({ length: MAX_STOP_SEQUENCES + 1 }, (_, i) => ['--stop-sequence', `<END${i}>`]).flat(),
    ],
    exitCode: 1,
    names: '--stop-sequence',
  },
  {
    name: 'empty stop sequence',
    args: () => ['run', PROMPT, '--stop-sequence', ''],
    exitCode: 1,
    names: '--stop-sequence[0]',
  },
  { name: 'empty system prompt', args: () => ['run', PROMPT, '--system', ''], exitCode: 1, names: 'system' },
  { name: 'empty model id', args: () => ['run', PROMPT, '--model', ''], exitCode: 1, names: '--model' },
  {
    name: 'oversized prompt file',
    args: (scratch) => ['run', '--prompt-file', join(scratch, 'oversized.txt')],
    exitCode: 1,
    names: String(MAX_INPUT_TEXT_BYTES),
  },
  {
    name: 'job id with a space',
    args: () => ['run', PROMPT, '--job-id', 'two words'],
    exitCode: 1,
    names: '--job-id',
  },
  {
    name: 'job id too long',
    args: () => ['run', PROMPT, '--job-id', 'j'.repeat(81)],
    exitCode: 1,
    names: '--job-id',
  },
  {
    name: 'unknown option',
    args: () => ['run', PROMPT, '--max-tokens', '100'],
    exitCode: 2,
    names: '--max-tokens',
  },
  {
    name: 'unknown Bedrock target',
    args: () => ['run', PROMPT, '--bedrock', 'mainframe'],
    exitCode: 2,
    names: '--bedrock',
  },
  {
    name: 'resume in a data directory that does not exist',
    args: () => ['resume', 'no-such-job'],
    exitCode: 1,
    names: 'no Longform data',
  },
];

/** Items in a data directory's table (0 when the table or the directory was never created). */
async function storedItems(dataDir: string): Promise<number> {
  const dynamo = await startLocalDynamoDb({ dataDir });
  const client = dynamo.createClient();
  try {
    const { Count } = await client.send(new ScanCommand({ TableName: LOCAL_TABLE_NAME, Select: 'COUNT' }));
    return Count ?? 0;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return 0;
    throw error;
  } finally {
    client.destroy();
    await dynamo.stop();
  }
}

/**
 * Runs each bad command line as its own `longform` process (`concurrency` at a time), each with its own
 * `--data-dir`, and checks the exit code, that the one stderr line names the field or limit, and that the
 * data directory holds nothing afterwards.
 */
export async function runBadCommandLines(
  cases: readonly BadCommandLine[],
  concurrency: number,
): Promise<ScenarioReport> {
  const recorder = new ScenarioRecorder('bad command lines');
  const scratch = await mkdtemp(join(tmpdir(), 'longform-bad-cli-'));
  try {
    await writeFile(join(scratch, 'oversized.txt'), 'x'.repeat(MAX_INPUT_TEXT_BYTES + 1));
    await writeFile(join(scratch, 'binary.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x1a]));
    await writeFile(join(scratch, 'latin1.txt'), Buffer.from('Caf\xe9 au lait', 'latin1'));
    const problems: (string | undefined)[] = [];
    let next = 0;
    const worker = async () => {
      for (let index = next++; index < cases.length; index = next++) {
        const badCase = cases[index] as BadCommandLine;
        const dataDir = join(scratch, `data-${index}`);
        const { exitCode, stderr } = await runCli([...badCase.args(scratch), '--data-dir', dataDir]);
        const items = await storedItems(dataDir);
        problems[index] =
          exitCode !== badCase.exitCode
            ? `exit ${exitCode}, expected ${badCase.exitCode}: ${stderr.trim()}`
            : !stderr.includes(badCase.names)
              ? `stderr does not name ${badCase.names}: ${stderr.trim()}`
              : /^\s+at /m.test(stderr)
                ? `stack trace on stderr: ${stderr.trim()}`
                : items > 0
                  ? `${items} items stored`
                  : undefined;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    for (const [index, badCase] of cases.entries()) recorder.badInput(badCase.name, problems[index]);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return recorder.finish();
}

/**
 * `longform run --data-dir` killed with SIGKILL after a seeded number of rounds, `resume` killed the same
 * way, then `resume` to the end: the document written with `--out` must be exact. The processes call an
 * emulator in this process that answers slowly enough to be killed mid-job.
 */
export async function runCliKilledAndResumed(seed: number): Promise<ScenarioReport> {
  const recorder = new ScenarioRecorder('CLI killed (SIGKILL) mid-job, resumed');
  const random = createRandom(seed);
  const emulator = await startBedrockEmulator({ faults: { latencyPerTokenMs: 0.5 } });
  const scratch = await mkdtemp(join(tmpdir(), 'longform-kill-'));
  const dataDir = join(scratch, 'data');
  const out = join(scratch, 'document.md');
  const env = localBedrockEnvironment(emulator.url);
  const jobId = `killed-${seed}`;
  const prompt = `A logbook kept through a storm, seed ${seed} [emulator:tokens=2400]`;
  try {
    const commands = [
      ['run', prompt, '--job-id', jobId, '--max-tokens-per-round', '120', '--data-dir', dataDir],
      ['resume', jobId, '--data-dir', dataDir],
    ];
    for (const args of commands) {
      const cli = startCli(args, env);
      if (await cli.waitForStderr(/longform: round \d+:/, random.int(2, 5))) {
        cli.kill();
        recorder.fault('SIGKILL mid-job');
      }
      const { signal } = await cli.result;
      if (signal !== 'SIGKILL') recorder.problem(`${args[0]} was not killed mid-job (ended with ${signal})`);
    }
    const { exitCode, stderr } = await runCli(['resume', jobId, '--data-dir', dataDir, '--out', out], env);
    if (exitCode !== 0) recorder.problem(`the last resume exited ${exitCode}: ${stderr.trim()}`);
    recorder.document(jobId, await readFile(out, 'utf8').catch(() => ''), targetDocument({ prompt }));
  } finally {
    await emulator.close();
    await rm(scratch, { recursive: true, force: true });
  }
  return recorder.finish();
}

/**
 * `longform run` meets AccessDeniedException from its third model call (model access not granted): exit 1,
 * one line naming the error. Access is then granted and `longform resume` completes the exact document on
 * stdout.
 */
export async function runCliPermanentFailureResumed(): Promise<ScenarioReport> {
  const recorder = new ScenarioRecorder('CLI job failed on a permanent error, resumed');
  const emulator = await startBedrockEmulator();
  const gate = await startBedrockGate(emulator.url);
  const scratch = await mkdtemp(join(tmpdir(), 'longform-denied-'));
  const dataDir = join(scratch, 'data');
  const env = localBedrockEnvironment(gate.url);
  const jobId = 'denied-then-granted';
  const prompt = 'Harbor charts, access granted late [emulator:tokens=900]';
  try {
    gate.deny('AccessDeniedException', 2);
    const failed = await runCli(
      ['run', prompt, '--job-id', jobId, '--max-tokens-per-round', '120', '--data-dir', dataDir],
      env,
    );
    recorder.fault('access denied 403', gate.denied());
    if (failed.exitCode !== 1 || !/FAILED \(BedrockAccessDeniedError: /.test(failed.stderr)) {
      recorder.problem(`run exited ${failed.exitCode}: ${failed.stderr.trim()}`);
    }
    gate.allow();
    const resumed = await runCli(['resume', jobId, '--data-dir', dataDir], env);
    if (resumed.exitCode !== 0)
      recorder.problem(`resume exited ${resumed.exitCode}: ${resumed.stderr.trim()}`);
    recorder.document(jobId, resumed.stdout, targetDocument({ prompt }));
  } finally {
    await gate.close();
    await emulator.close();
    await rm(scratch, { recursive: true, force: true });
  }
  return recorder.finish();
}
