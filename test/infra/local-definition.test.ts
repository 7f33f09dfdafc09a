import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { buildLocalDefinition, localFunctionArn } from '../../infra/local-definition';
import { STEP_KEYS, WORKFLOW_STEPS } from '../../infra/workflow-steps';

interface State {
  Type: string;
  Resource?: string;
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
  Catch?: { Next: string }[];
}

describe('buildLocalDefinition', () => {
  const local = buildLocalDefinition({ tableName: 'longform-local', allowedModelIds: [], maxRounds: 1000 });
  const states = (local.definition as { States: Record<string, State> }).States;

  it('is valid ASL for aws-local-stepfunctions, in JSONPath', () => {
    expect(() => new StateMachine(local.definition as never)).not.toThrow();
    expect(local.definition).not.toHaveProperty('QueryLanguage');
    expect(JSON.stringify(local.definition)).not.toMatch(/Fn::|"Ref"|\$\{Token/);
  });

  it('maps every Task state, and only Task states, to the step it is named for, whose placeholder ARN it invokes', () => {
    const taskNames = Object.entries(states)
      .filter(([, state]) => state.Type === 'Task')
      .map(([name]) => name);
    expect(Object.keys(local.taskHandlers).sort()).toEqual(taskNames.sort());
    for (const [name, key] of Object.entries(local.taskHandlers)) {
      expect(states[name]?.Resource).toBe(localFunctionArn(key));
    }
    expect(local.taskHandlers).toEqual(
      Object.fromEntries(STEP_KEYS.map((key) => [WORKFLOW_STEPS[key].stateName, key])),
    );
  });

  it('starts at the initialize handler and reaches every state', () => {
    const start = (local.definition as { StartAt: string }).StartAt;
    expect(local.taskHandlers[start]).toBe('initialize');
    const reached = new Set<string>();
    const visit = (name: string) => {
      if (reached.has(name)) return;
      reached.add(name);
      const state = states[name];
      if (!state) throw new Error(`Missing state ${name}`);
      for (const next of [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next)]) {
        if (next) visit(next);
      }
      for (const c of state.Catch ?? []) visit(c.Next);
    };
    visit(start);
    expect([...reached].sort()).toEqual(Object.keys(states).sort());
  });

  it('gives each handler its synthesized environment with the table name given', () => {
    for (const key of STEP_KEYS) {
      expect(local.environment[key]).toMatchObject({
        TABLE_NAME: 'longform-local',
        ALLOWED_MODEL_IDS: '',
        DEFAULT_MAX_ROUNDS: '1000',
        DEFAULT_MAX_TOKENS_PER_ROUND: '4096',
        DEFAULT_MODEL_ID: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        JOB_TTL_DAYS: '30',
        POWERTOOLS_SERVICE_NAME: 'longform',
      });
      expect(local.timeoutsSeconds[key]).toBe(WORKFLOW_STEPS[key].timeout.toSeconds());
    }
  });

  it('keeps a Task timeout above each function timeout, as deployed', () => {
    for (const [name, key] of Object.entries(local.taskHandlers)) {
      const { TimeoutSeconds } = states[name] as State & { TimeoutSeconds: number };
      expect(TimeoutSeconds).toBeGreaterThan(local.timeoutsSeconds[key]);
    }
  });

  /** Runs the definition with stand-in handlers (retry waits shortened) and returns its calls and end event. */
  async function run(handlers: Record<string, (payload: Record<string, unknown>) => unknown>) {
    const calls: string[] = [];
    const overrides = Object.fromEntries(
      Object.entries(local.taskHandlers).map(([name, key]) => [
        name,
        async (input: unknown) => {
          const payload = input as Record<string, unknown>;
          calls.push(`${key}:${JSON.stringify(payload)}`);
          const handler = handlers[key];
          if (!handler) throw new Error(`No stand-in for ${key}`);
          return handler(payload) as never;
        },
      ]),
    );
    const execution = new StateMachine(local.definition as never).run({ prompt: 'hi' } as never, {
      overrides: {
        taskResourceLocalHandlers: overrides,
        retryIntervalOverrides: Object.fromEntries(Object.keys(local.taskHandlers).map((name) => [name, 1])),
      },
      // As the service (and the offline runtime) gives it: 0 before any redrive.
      context: { Execution: { Name: 'job-1', RedriveCount: 0 } },
    });
    // A failed execution rejects `result`; the end event below carries the error and cause.
    const settled = execution.result.catch(() => undefined);
    let end: Record<string, unknown> | undefined;
    for await (const event of execution.eventLogs) {
      if (event.type.startsWith('Execution') && event.type !== 'ExecutionStarted') end = { ...event };
    }
    await settled;
    return { calls, end };
  }

  const named = (name: string, message: string) => Object.assign(new Error(message), { name });

  it('loops on "continue", then finalizes and succeeds', async () => {
    const { calls, end } = await run({
      initialize: (p) => ({ jobId: p.jobId, nextRound: 1 }),
      generateRound: (p) => {
        const round = p.round as number;
        return { jobId: p.jobId, round, nextRound: round + 1, next: round < 3 ? 'continue' : 'finish' };
      },
      finalize: (p) => ({ jobId: p.jobId, status: 'COMPLETED', rounds: 3 }),
    });
    expect(calls).toEqual([
      'initialize:{"jobId":"job-1","input":{"prompt":"hi"}}',
      'generateRound:{"jobId":"job-1","round":1,"executionName":"job-1","redriveCount":0}',
      'generateRound:{"jobId":"job-1","round":2,"executionName":"job-1","redriveCount":0}',
      'generateRound:{"jobId":"job-1","round":3,"executionName":"job-1","redriveCount":0}',
      'finalize:{"jobId":"job-1"}',
    ]);
    expect(end).toMatchObject({ type: 'ExecutionSucceeded', output: { status: 'COMPLETED', rounds: 3 } });
  });

  it('fails with the finalize error and cause when the job ended early', async () => {
    const { end } = await run({
      initialize: (p) => ({ jobId: p.jobId, nextRound: 1 }),
      generateRound: (p) => ({ jobId: p.jobId, round: 1, nextRound: 2, next: 'finish' }),
      finalize: (p) => ({
        jobId: p.jobId,
        status: 'CONTEXT_FULL',
        error: 'ContextFull',
        cause: 'window full',
      }),
    });
    expect(end).toMatchObject({ type: 'ExecutionFailed', Error: 'ContextFull', Cause: 'window full' });
  });

  it('retries a transient round error, then fails on the round step itself so a redrive resumes there', async () => {
    let attempts = 0;
    const { calls, end } = await run({
      initialize: (p) => ({ jobId: p.jobId, nextRound: 1 }),
      generateRound: () => {
        attempts += 1;
        if (attempts === 1) throw named('BedrockThrottlingError', 'slow down');
        throw named('BedrockAccessDeniedError', 'no access');
      },
    });
    expect(attempts).toBe(2);
    expect(calls.every((call) => !call.startsWith('recordFailure'))).toBe(true);
    expect(end).toMatchObject({
      type: 'ExecutionFailed',
      Error: 'BedrockAccessDeniedError',
      Cause: 'no access',
    });
  });

  it('records an initialization failure and fails with its name and clean message', async () => {
    const { calls, end } = await run({
      initialize: () => {
        throw named('InvalidInputError', 'maxRounds must be an integer from 1 to 2000 (got 0)');
      },
      recordFailure: (p) => {
        const failure = p.failure as { Error: string; Cause: string };
        return { jobId: p.jobId, error: failure.Error, cause: 'clean message' };
      },
    });
    expect(calls.at(-1)).toMatch(/^recordFailure:\{"jobId":"job-1","failure":\{"Error":"InvalidInputError"/);
    expect(end).toMatchObject({
      type: 'ExecutionFailed',
      Error: 'InvalidInputError',
      Cause: 'clean message',
    });
  });
});
