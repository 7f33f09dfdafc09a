import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../functions/adapters/event-bus';
import { EventBusUnavailableError } from '../../../functions/core/errors';
import {
  EVENT_SOURCE,
  JOB_COMPLETED,
  type JobEvent,
  jobEndedEvent,
} from '../../../functions/core/job-events';
import { type MotoServer, sqsCall, startMotoServer } from '../../../scenarios/moto-server';
import { DELIVERED_DOCUMENT, endedJobRecord } from '../core/ended-job-record.fixture';

let moto: MotoServer;
let events: EventBridgeClient;
let queueUrl: string;

/** A rule on the default bus sends Longform's events to a queue, as a user chaining work on them would. */
beforeAll(async () => {
  moto = await startMotoServer();
  events = new EventBridgeClient(moto.clientConfig);
  ({ QueueUrl: queueUrl } = await sqsCall<{ QueueUrl: string }>(moto, 'CreateQueue', {
    QueueName: 'job-ends',
  }));
  const { Attributes } = await sqsCall<{ Attributes: { QueueArn: string } }>(moto, 'GetQueueAttributes', {
    QueueUrl: queueUrl,
    AttributeNames: ['QueueArn'],
  });
  await events.send(
    new PutRuleCommand({
      Name: 'longform-jobs',
      EventPattern: JSON.stringify({ source: [EVENT_SOURCE], 'detail-type': [JOB_COMPLETED] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({ Rule: 'longform-jobs', Targets: [{ Id: 'queue', Arn: Attributes.QueueArn }] }),
  );
});
afterAll(async () => {
  events?.destroy();
  await moto?.stop();
});

/** The event Finalize job publishes for a completed job with a delivered document. */
const completed = jobEndedEvent(
  endedJobRecord({
    status: 'COMPLETED',
    usage: { inputTokens: 30, outputTokens: 900, cacheReadInputTokens: 5, cacheWriteInputTokens: 7 },
    document: DELIVERED_DOCUMENT,
  }),
) as JobEvent;

describe('EventBus', () => {
  it('puts the event on the bus, where a rule on its source and detail type delivers it', async () => {
    await new EventBus(events, 'default').publish(completed);
    const { Messages } = await sqsCall<{ Messages?: { Body: string }[] }>(moto, 'ReceiveMessage', {
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
    });
    expect(Messages).toHaveLength(1);
    const delivered = JSON.parse(Messages?.[0]?.Body ?? '{}');
    expect(delivered).toMatchObject({
      source: EVENT_SOURCE,
      'detail-type': JOB_COMPLETED,
      detail: completed.detail,
    });
  });

  it('an entry the bus refuses (PutEvents still answers 200) is EventBusUnavailableError, which the state machine retries', async () => {
    // The one way to make a real server refuse an entry: leave out its detail type.
    const refused = { ...completed, detailType: '' } as unknown as JobEvent;
    const error = await new EventBus(events, 'default').publish(refused).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EventBusUnavailableError);
    expect(error).toMatchObject({ name: 'EventBusUnavailableError', retriable: true });
    // The entry's error code, never its message (which may describe the detail).
    expect((error as Error).message).toContain('InvalidArgument');
    expect((error as Error).message).not.toContain('required argument');
  });

  it('a bus that does not exist fails as EventBridge names it, without retries', async () => {
    await expect(new EventBus(events, 'no-such-bus').publish(completed)).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('an unreachable EventBridge is EventBusUnavailableError too', async () => {
    const unreachable = new EventBridgeClient({
      ...moto.clientConfig,
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
    });
    try {
      await expect(new EventBus(unreachable, 'default').publish(completed)).rejects.toBeInstanceOf(
        EventBusUnavailableError,
      );
    } finally {
      unreachable.destroy();
    }
  });
});
