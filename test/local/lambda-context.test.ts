import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLambdaContext } from '../../local/lambda-context';

describe('local Lambda context', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts the remaining time down from the function timeout and stops at zero', () => {
    const context = createLambdaContext('longform-generateRound', 900);
    expect(context.getRemainingTimeInMillis()).toBe(900_000);
    vi.advanceTimersByTime(120_500);
    expect(context.getRemainingTimeInMillis()).toBe(779_500);
    vi.advanceTimersByTime(800_000);
    expect(context.getRemainingTimeInMillis()).toBe(0);
  });

  it('names the function and gives each invocation its own request id', () => {
    const first = createLambdaContext('longform-initialize', 30);
    const second = createLambdaContext('longform-initialize', 30);
    expect(first.functionName).toBe('longform-initialize');
    expect(first.invokedFunctionArn.endsWith(':function:longform-initialize')).toBe(true);
    expect(first.logGroupName).toBe('/aws/lambda/longform-initialize');
    expect(first.awsRequestId).not.toBe(second.awsRequestId);
    expect(first.logStreamName).toContain(first.awsRequestId);
    expect(first.callbackWaitsForEmptyEventLoop).toBe(false);
  });
});
