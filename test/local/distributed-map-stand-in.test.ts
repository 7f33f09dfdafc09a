import { describe, expect, it } from 'vitest';
import { BATCH_STATES, EXECUTION_ALREADY_EXISTS } from '../../infra/batch-workflow';
import { UnresolvableReferenceError } from '../../infra/local-definition';
import { buildBatchDefinition } from '../../local/batch-definition';
import {
  exceedsTolerance,
  ITEM_FAILED_STATE,
  toLocalBatchDefinition,
} from '../../local/distributed-map-stand-in';

type Json = Record<string, unknown>;
const deployed = buildBatchDefinition({ maxConcurrency: 3, toleratedFailurePercentage: 25 });
const local = toLocalBatchDefinition(deployed);
const stateOf = (definition: Json) =>
  (definition.States as Record<string, Json>)[BATCH_STATES.map] as Json & {
    ItemProcessor: { StartAt: string; States: Record<string, Json> };
  };
const map = stateOf(local.definition);
const deployedMap = stateOf(deployed);

describe('toLocalBatchDefinition', () => {
  it('drops only the Distributed Map fields the interpreter lacks, reading the items from the input', () => {
    for (const field of ['ItemReader', 'ResultWriter', 'ToleratedFailurePercentage', 'Label']) {
      expect(deployedMap).toHaveProperty(field);
      expect(map).not.toHaveProperty(field);
    }
    expect(map.ItemsPath).toBe('$.items');
    expect(map.ItemSelector).toEqual(deployedMap.ItemSelector);
    expect(map.MaxConcurrency).toBe(3);
    expect(map.ItemProcessor).not.toHaveProperty('ProcessorConfig');
    expect(local.toleratedFailurePercentage).toBe(25);
  });

  it("keeps the item processor's states, and lists the child executions for the local handler", () => {
    const states = map.ItemProcessor.States;
    expect(map.ItemProcessor.StartAt).toBe(deployedMap.ItemProcessor.StartAt);
    expect(local.childExecutionStates.sort()).toEqual([BATCH_STATES.resumeJob, BATCH_STATES.runJob].sort());
    for (const name of [BATCH_STATES.hasJobId, BATCH_STATES.lineJobId, BATCH_STATES.indexJobId]) {
      expect(states[name]).toEqual(deployedMap.ItemProcessor.States[name]);
    }
    expect(states[BATCH_STATES.runJob]?.Parameters).toEqual(
      deployedMap.ItemProcessor.States[BATCH_STATES.runJob]?.Parameters,
    );
  });

  it('ends a failed item in a result instead of failing the Map, after the deployed catchers', () => {
    const states = map.ItemProcessor.States;
    expect(states[BATCH_STATES.runJob]?.Catch).toEqual([
      { ErrorEquals: [EXECUTION_ALREADY_EXISTS], ResultPath: '$.failure', Next: BATCH_STATES.redriven },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: ITEM_FAILED_STATE },
    ]);
    expect(states[ITEM_FAILED_STATE]).toEqual({
      Type: 'Pass',
      Parameters: {
        itemFailed: true,
        'jobId.$': '$.jobId',
        'error.$': '$.failure.Error',
        'cause.$': '$.failure.Cause',
      },
      End: true,
    });
    // A Fail state of the item processor, too, becomes a failed item's result.
    expect(states[BATCH_STATES.taken]).toMatchObject({ Type: 'Pass', End: true });
    expect(deployedMap.ItemProcessor.States[BATCH_STATES.taken]?.Type).toBe('Fail');
  });

  it('leaves the deployed definition as it was', () => {
    expect(deployed).toEqual(buildBatchDefinition({ maxConcurrency: 3, toleratedFailurePercentage: 25 }));
  });

  it('refuses what it cannot stand in for', () => {
    const withTask = structuredClone(deployed) as Json;
    const states = stateOf(withTask).ItemProcessor.States;
    states[BATCH_STATES.runJob] = {
      ...states[BATCH_STATES.runJob],
      Resource: 'arn:aws:states:::lambda:invoke',
    };
    expect(() => toLocalBatchDefinition(withTask)).toThrow(UnresolvableReferenceError);
    const withCount = structuredClone(deployed) as Json;
    stateOf(withCount).ToleratedFailureCount = 2;
    expect(() => toLocalBatchDefinition(withCount)).toThrow(/ToleratedFailureCount/);
  });
});

describe('exceedsTolerance', () => {
  it.each([
    [0, 10, 0, false],
    [1, 10, 0, true],
    [1, 10, 10, false],
    [2, 10, 10, true],
    [10, 10, 100, false],
    [0, 0, 0, false],
  ])('%i failed of %i at %i %% → %s', (failed, total, percentage, exceeded) => {
    expect(exceedsTolerance(failed, total, percentage)).toBe(exceeded);
  });
});
