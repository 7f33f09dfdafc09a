import { App, Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Longform, type LongformProps } from './longform';
import { STEP_KEYS, type StepKey, WORKFLOW_STEPS } from './workflow-steps';

/** The deployed workflow in a form a local Step Functions interpreter can run. */
export interface LocalDefinition {
  /** The ASL JSON, every function ARN replaced by a placeholder (`arn:aws:lambda:local:000000000000:function:<key>`). */
  definition: Record<string, unknown>;
  /** Which step each Task state runs, by state name. */
  taskHandlers: Record<string, StepKey>;
  /** Each function's environment variables as synthesized, the table name replaced by the one given. */
  environment: Record<StepKey, Record<string, string>>;
  /** Each function's timeout. */
  timeoutsSeconds: Record<StepKey, number>;
}

/** Thrown when the synthesized workflow refers to something the local runtime cannot stand in for. */
export class UnresolvableReferenceError extends Error {
  override readonly name = 'UnresolvableReferenceError';
}

/** The placeholder ARN a handler's function has in the local definition. */
export const localFunctionArn = (key: StepKey): string => `arn:aws:lambda:local:000000000000:function:${key}`;

/**
 * Builds the Longform construct in a throwaway app (bundling skipped, so it takes well under a second)
 * and reads back the state machine definition the stack would deploy, so the offline runtime runs
 * exactly that workflow with each Task state mapped to its step.
 */
export function buildLocalDefinition(props: LongformProps & { tableName: string }): LocalDefinition {
  const { tableName, ...longformProps } = props;
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'LongformLocal');
  const longform = new Longform(stack, 'Longform', longformProps);

  // CloudFormation references (as `stack.resolve` renders them) and what stands in for each locally.
  const standIns = new Map<string, string>([
    [JSON.stringify(stack.resolve(longform.table.tableName)), tableName],
  ]);
  for (const key of STEP_KEYS) {
    standIns.set(JSON.stringify(stack.resolve(longform.functions[key].functionArn)), localFunctionArn(key));
  }
  const literal = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const standIn = standIns.get(JSON.stringify(value));
    if (standIn === undefined)
      throw new UnresolvableReferenceError(`No local value for ${JSON.stringify(value)}`);
    return standIn;
  };

  const cfnStateMachine = longform.stateMachine.node.defaultChild as CfnStateMachine;
  const definition = JSON.parse(joined(stack.resolve(cfnStateMachine.definitionString), literal)) as {
    States: Record<string, { Type: string; Resource?: string }>;
  };
  const taskHandlers: Record<string, StepKey> = {};
  for (const key of STEP_KEYS) {
    const { stateName } = WORKFLOW_STEPS[key];
    if (definition.States[stateName]?.Resource !== localFunctionArn(key)) {
      throw new UnresolvableReferenceError(`Task state "${stateName}" does not invoke the ${key} function`);
    }
    taskHandlers[stateName] = key;
  }
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Task' && !(name in taskHandlers)) {
      throw new UnresolvableReferenceError(`Task state "${name}" runs no workflow step`);
    }
  }
  const environment = {} as Record<StepKey, Record<string, string>>;
  const timeoutsSeconds = {} as Record<StepKey, number>;
  for (const key of STEP_KEYS) {
    const cfnFunction = longform.functions[key].node.defaultChild as CfnFunction;
    const variables: Record<string, unknown> = stack.resolve(cfnFunction.environment)?.variables ?? {};
    environment[key] = Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [name, literal(value)]),
    );
    timeoutsSeconds[key] = stack.resolve(cfnFunction.timeout);
  }
  return { definition, taskHandlers, environment, timeoutsSeconds };
}

/** A resolved `definitionString`: a plain string, or an `Fn::Join` of strings and references. */
function joined(resolved: unknown, literal: (value: unknown) => string): string {
  if (typeof resolved === 'string') return resolved;
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join)
    throw new UnresolvableReferenceError(`Unexpected definition ${JSON.stringify(resolved).slice(0, 200)}`);
  return join[1].map(literal).join(join[0]);
}
