import { App, Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { HandlerKey } from './handlers';
import { Longform, type LongformProps } from './longform';

export type { HandlerKey } from './handlers';

/** The deployed workflow in a form a local Step Functions interpreter can run. */
export interface LocalDefinition {
  /** The ASL JSON, every function ARN replaced by a placeholder (`arn:aws:lambda:local:000000000000:function:<key>`). */
  definition: Record<string, unknown>;
  /** Which handler each Task state invokes, by state name. */
  taskHandlers: Record<string, HandlerKey>;
  /** Each function's environment variables as synthesized, the table name replaced by the one given. */
  environment: Record<HandlerKey, Record<string, string>>;
  /** Each function's timeout. */
  timeoutsSeconds: Record<HandlerKey, number>;
}

/** Thrown when the synthesized workflow refers to something the local runtime cannot stand in for. */
export class UnresolvableReferenceError extends Error {
  override readonly name = 'UnresolvableReferenceError';
}

/** The placeholder ARN a handler's function has in the local definition. */
export const localFunctionArn = (key: HandlerKey): string =>
  `arn:aws:lambda:local:000000000000:function:${key}`;

/**
 * Builds the Longform construct in a throwaway app (bundling skipped, so it takes well under a second)
 * and reads back the state machine definition the stack would deploy, so the offline runtime runs
 * exactly that workflow with each task mapped to its handler.
 */
export function buildLocalDefinition(props: LongformProps & { tableName: string }): LocalDefinition {
  const { tableName, ...longformProps } = props;
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'LongformLocal');
  const longform = new Longform(stack, 'Longform', longformProps);
  const keys = Object.keys(longform.functions) as HandlerKey[];

  // CloudFormation references (as `stack.resolve` renders them) and what stands in for each locally.
  const standIns = new Map<string, string>([
    [JSON.stringify(stack.resolve(longform.table.tableName)), tableName],
  ]);
  for (const key of keys) {
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
  const handlerByArn = new Map(keys.map((key) => [localFunctionArn(key), key]));
  const taskHandlers: Record<string, HandlerKey> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') continue;
    const key = handlerByArn.get(state.Resource ?? '');
    if (!key) throw new UnresolvableReferenceError(`Task state "${name}" invokes no Longform function`);
    taskHandlers[name] = key;
  }

  const environment = {} as Record<HandlerKey, Record<string, string>>;
  const timeoutsSeconds = {} as Record<HandlerKey, number>;
  for (const key of keys) {
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
