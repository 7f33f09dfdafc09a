import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetDocument } from '../../local/bedrock-emulator';
import { type ExecutionEvent, OfflineRuntime } from '../../local/offline-runtime';

let runtime: OfflineRuntime;
beforeAll(async () => {
  runtime = await OfflineRuntime.start({ retryIntervalMs: 1 });
});
afterAll(async () => {
  await runtime.stop();
});

async function execute(name: string, input: unknown) {
  const execution = runtime.startExecution(name, input);
  const events: ExecutionEvent[] = [];
  for await (const event of execution.events) events.push(event);
  return { events, outcome: await execution.outcome };
}

const entered = (events: ExecutionEvent[]) =>
  events.flatMap((event) => (event.type === 'StateEntered' ? [event.state.name] : []));

describe('the synthesized state machine, run offline with the real handlers', () => {
  it('loops "Generate next part" until the model ends its turn and reproduces the document exactly', async () => {
    const prompt = 'A multi-round workflow document [emulator:tokens=2500]';
    const { events, outcome } = await execute('wf-exact', { prompt, maxTokensPerRound: 200 });
    expect(outcome.status).toBe('SUCCEEDED');
    const states = entered(events);
    const rounds = states.filter((name) => name === runtime.roundStateName).length;
    expect(rounds).toBeGreaterThan(10);
    expect(states[0]).toBe('Initialize job');
    expect(states.at(-1)).toBe('Document ready');
    expect(await runtime.store.loadDocument('wf-exact')).toBe(targetDocument({ prompt }));
    const job = await runtime.store.getJob('wf-exact');
    expect(job?.status).toBe('COMPLETED');
    expect(job?.nextRound).toBe(rounds + 1);
    // Only small JSON passes between states: never the document.
    for (const event of events) {
      if (event.type === 'StateExited') expect(JSON.stringify(event.state.output).length).toBeLessThan(1024);
    }
  });

  it('retries throttling on the round step, visibly, and still reproduces the document', async () => {
    runtime.emulator?.setFaults({ plan: (i) => (i % 3 === 1 ? 'throttle' : undefined) });
    try {
      const prompt = 'Throttled workflow [emulator:tokens=1200]';
      const { events, outcome } = await execute('wf-throttled', { prompt, maxTokensPerRound: 150 });
      expect(outcome.status).toBe('SUCCEEDED');
      const retries = events.filter((event) => event.type === 'StateRetried');
      expect(retries.length).toBeGreaterThan(0);
      const failures = events.flatMap((event) => (event.type === 'StateFailed' ? [event.Error] : []));
      expect(new Set(failures)).toEqual(new Set(['BedrockThrottlingError']));
      expect(await runtime.store.loadDocument('wf-throttled')).toBe(targetDocument({ prompt }));
    } finally {
      runtime.emulator?.setFaults(undefined);
    }
  });

  it('fails at "Initialize job" with InvalidInputError naming the field, and writes nothing', async () => {
    const { outcome, events } = await execute('wf-invalid', { prompt: 'x', maxRounds: 0 });
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'InvalidInputError' });
    expect(outcome.cause).toMatch(/maxRounds/);
    expect(outcome.cause).not.toMatch(/trace|at .*\.ts/);
    expect(entered(events)).toEqual(['Initialize job', 'Record failure', 'Job failed']);
    expect(await runtime.store.getJob('wf-invalid')).toBeUndefined();
  });

  it('ends early at the round limit with MaxRoundsReachedError and keeps the text', async () => {
    const prompt = 'Too long for the round limit [emulator:tokens=3000]';
    const { outcome, events } = await execute('wf-limit', { prompt, maxTokensPerRound: 100, maxRounds: 3 });
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'MaxRoundsReachedError' });
    expect(outcome.cause).toMatch(/3/);
    expect(entered(events).at(-1)).toBe('Job ended early');
    const job = await runtime.store.getJob('wf-limit');
    expect(job?.status).toBe('MAX_ROUNDS_REACHED');
    const document = await runtime.store.loadDocument('wf-limit');
    expect(targetDocument({ prompt }).startsWith(document)).toBe(true);
    expect(document.length).toBe(job?.documentCharacters);
  });

  it('records a permanent Bedrock error on the job and fails the execution with its name and message', async () => {
    const { outcome, events } = await execute('wf-unknown-model', {
      prompt: 'x',
      modelId: 'anthropic.claude-nonexistent-v9:0',
    });
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'BedrockModelNotFoundError' });
    expect(events.some((event) => event.type === 'StateRetried')).toBe(false);
    const job = await runtime.store.getJob('wf-unknown-model');
    expect(job?.status).toBe('FAILED');
    expect(job?.failure?.name).toBe('BedrockModelNotFoundError');
    expect(job?.failure?.message).toBe(outcome.cause);
  });

  it('refuses another input under a taken job id without touching the running job that owns it', async () => {
    // A job that is still running (say its process was killed), then a new prompt under the same id.
    const prompt = 'The owner of the id [emulator:tokens=300]';
    await runtime.store.createJob(
      'wf-taken',
      {
        messages: [{ role: 'user', text: prompt }],
        modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        api: 'converse',
        maxTokensPerRound: 100,
        maxRounds: 200,
        continuation: 'auto',
        stopSequences: [],
      },
      'prefill',
      'RUNNING',
    );
    const { outcome } = await execute('wf-taken', { prompt: 'Someone else', maxTokensPerRound: 100 });
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'InvalidInputError' });
    expect(outcome.cause).toMatch(/already exists with a different input/);
    const job = await runtime.store.getJob('wf-taken');
    expect(job?.status).toBe('RUNNING');
    expect(job?.failure).toBeUndefined();
  });

  it('starting the same job id twice with the same input yields one job', async () => {
    const prompt = 'Idempotent start [emulator:tokens=400]';
    const first = await execute('wf-twice', { prompt, maxTokensPerRound: 100 });
    const second = await execute('wf-twice', { prompt, maxTokensPerRound: 100 });
    expect(first.outcome.status).toBe('SUCCEEDED');
    expect(second.outcome.status).toBe('SUCCEEDED');
    expect(entered(second.events).filter((name) => name === runtime.roundStateName)).toHaveLength(1);
    expect(await runtime.store.loadDocument('wf-twice')).toBe(targetDocument({ prompt }));
  });
});
