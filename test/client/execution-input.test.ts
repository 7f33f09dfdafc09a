import { describe, expect, it } from 'vitest';
import {
  MAX_INLINE_INPUT_BYTES,
  prepareExecutionInput,
  storedJobDefaults,
} from '../../client/execution-input';
import { InvalidInputError } from '../../functions/core/errors';
import { TEST_DEFAULTS } from '../../scenarios/local-services';
import { useLocalServices } from '../../scenarios/local-services-fixture';

const services = useLocalServices();

const bigPrompt = (letter: string) => `${letter.repeat(MAX_INLINE_INPUT_BYTES)} [emulator:tokens=100]`;

describe('prepareExecutionInput', () => {
  it('passes an input that fits the execution input limit through, writing nothing', async () => {
    const input = { prompt: 'small' };
    expect(await prepareExecutionInput(services.store, TEST_DEFAULTS, 'inline-1', input)).toBe(input);
    expect(await services.store.getJob('inline-1')).toBeUndefined();
  });

  it('stores a larger input first and starts the execution with { jobId }', async () => {
    const input = { prompt: bigPrompt('A') };
    expect(await prepareExecutionInput(services.store, TEST_DEFAULTS, 'stored-1', input)).toEqual({
      jobId: 'stored-1',
    });
    const job = await services.store.getJob('stored-1');
    expect(job?.status).toBe('PENDING');
    expect(job?.config.messages[0]?.text).toBe(input.prompt);
    // The same input again is the same job.
    expect(await prepareExecutionInput(services.store, TEST_DEFAULTS, 'stored-1', input)).toEqual({
      jobId: 'stored-1',
    });
  });

  it('refuses another input under a taken job id, leaving the stored job as it was', async () => {
    await prepareExecutionInput(services.store, TEST_DEFAULTS, 'stored-2', { prompt: bigPrompt('A') });
    const attempt = prepareExecutionInput(services.store, TEST_DEFAULTS, 'stored-2', {
      prompt: bigPrompt('B'),
    });
    await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
    await expect(attempt).rejects.toMatchObject({ field: 'jobId' });
    expect((await services.store.getJob('stored-2'))?.config.messages[0]?.text.startsWith('AAA')).toBe(true);
  });

  it('validates a large input before storing it', async () => {
    const attempt = prepareExecutionInput(services.store, TEST_DEFAULTS, 'stored-3', {
      prompt: bigPrompt('C'),
      maxRounds: 0,
    });
    await expect(attempt).rejects.toMatchObject({ name: 'InvalidInputError', field: 'maxRounds' });
    expect(await services.store.getJob('stored-3')).toBeUndefined();
  });
});

describe('storedJobDefaults', () => {
  it("is the client's jobDefaults when given", () => {
    expect(storedJobDefaults({ prompt: 'p' }, TEST_DEFAULTS)).toBe(TEST_DEFAULTS);
  });

  it('without them, asks for every field the stack would default, naming the first missing', () => {
    expect(() => storedJobDefaults({ prompt: 'p', modelId: 'm' }, undefined)).toThrow(
      expect.objectContaining({ name: 'InvalidInputError', field: 'maxTokensPerRound' }),
    );
    const given = { prompt: 'p', modelId: 'm', maxTokensPerRound: 100, maxRounds: 5 };
    expect(storedJobDefaults(given, undefined).allowedModelIds).toEqual([]);
  });
});
