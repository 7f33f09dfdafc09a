import { UnresolvableReferenceError } from '../infra/local-definition';

type State = Record<string, unknown> & { Type: string };
type Definition = Record<string, unknown> & { StartAt: string; States: Record<string, State> };

/** The state the stand-in adds to the item processor: what a failed item's result becomes. */
export const ITEM_FAILED_STATE = 'Item failed';

/** A failed item's result in the stand-in's Map output (a successful item's is the child's output). */
export interface FailedItem {
  itemFailed: true;
  jobId: string;
  error: string;
  cause?: string;
}

/** The batch definition as the local interpreter can run it, and what the stand-in took over. */
export interface LocalBatchDefinition {
  definition: Definition;
  /** The item processor's Task states that start a Longform child execution (`startExecution.sync:2`). */
  childExecutionStates: string[];
  /** The Map's ToleratedFailurePercentage (0 when absent), applied by {@link exceedsTolerance}. */
  toleratedFailurePercentage: number;
}

const CHILD_EXECUTION = /:states:::states:startExecution\.sync:2$/;
/** Distributed-only fields `aws-local-stepfunctions` does not run (its Map runs ItemProcessor inline). */
const DISTRIBUTED_ONLY = ['ItemReader', 'ResultWriter', 'ToleratedFailurePercentage', 'Label'];

/**
 * Replaces only what a Distributed Map has that the local interpreter lacks: the items come from the
 * execution input's `items` instead of the S3 reader; there is no result writer (the caller writes the
 * summary); a failed item, which the interpreter would let fail the whole Map, ends in
 * {@link ITEM_FAILED_STATE} instead, so the tolerance rule can be applied to the results afterwards;
 * and the child-execution tasks are listed for the caller's local handler. Everything else (the item
 * selector, the item processor's states, MaxConcurrency) is the deployed definition's.
 * @throws UnresolvableReferenceError when the definition has something the stand-in cannot take over.
 */
export function toLocalBatchDefinition(deployed: Record<string, unknown>): LocalBatchDefinition {
  const definition = structuredClone(deployed) as Definition;
  const entry = Object.entries(definition.States).find(
    ([, state]) =>
      (state.ItemProcessor as { ProcessorConfig?: { Mode?: string } })?.ProcessorConfig?.Mode ===
      'DISTRIBUTED',
  );
  if (!entry) throw new UnresolvableReferenceError('The batch definition has no Distributed Map state');
  const [mapName, map] = entry;
  for (const field of [
    'ToleratedFailureCount',
    'ToleratedFailurePercentagePath',
    'ItemBatcher',
    'ItemsPath',
  ]) {
    if (field in map) throw new UnresolvableReferenceError(`The local stand-in does not run ${field}`);
  }
  const processor = map.ItemProcessor as Definition & { ProcessorConfig?: unknown };
  const childExecutionStates: string[] = [];
  const states: Record<string, State> = {};
  for (const [name, state] of Object.entries(processor.States)) {
    if (state.Type === 'Task') {
      if (!CHILD_EXECUTION.test(String(state.Resource))) {
        throw new UnresolvableReferenceError(`Task state "${name}" does not start a Longform execution`);
      }
      childExecutionStates.push(name);
      const catchers = (state.Catch as unknown[] | undefined) ?? [];
      states[name] = {
        ...state,
        Catch: [
          ...catchers,
          { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: ITEM_FAILED_STATE },
        ],
      };
    } else if (state.Type === 'Fail') {
      states[name] = failedItem(state);
    } else {
      states[name] = state;
    }
  }
  states[ITEM_FAILED_STATE] = failedItem({
    Type: 'Fail',
    ErrorPath: '$.failure.Error',
    CausePath: '$.failure.Cause',
  });
  const toleratedFailurePercentage = (map.ToleratedFailurePercentage as number | undefined) ?? 0;
  const local: State = {
    ...map,
    ItemsPath: '$.items',
    ItemProcessor: { StartAt: processor.StartAt, States: states },
  };
  for (const field of DISTRIBUTED_ONLY) delete local[field];
  definition.States[mapName] = local;
  return { definition, childExecutionStates, toleratedFailurePercentage };
}

/** A Fail state of the item processor as a Pass state that ends the item with a {@link FailedItem}. */
function failedItem(fail: State): State {
  const field = (key: 'error' | 'cause', path: unknown, literal: unknown) =>
    typeof path === 'string' ? { [`${key}.$`]: path } : typeof literal === 'string' ? { [key]: literal } : {};
  return {
    Type: 'Pass',
    Parameters: {
      itemFailed: true,
      'jobId.$': '$.jobId',
      ...field('error', fail.ErrorPath, fail.Error ?? 'States.Fail'),
      ...field('cause', fail.CausePath, fail.Cause),
    },
    End: true,
  };
}

/**
 * The Map Run's failure rule: it fails when the failed items are more than the tolerated percentage of
 * all items (a percentage of 0 tolerates none).
 */
export function exceedsTolerance(failed: number, total: number, toleratedFailurePercentage: number): boolean {
  return total > 0 && (failed / total) * 100 > toleratedFailurePercentage;
}
