import { describe, expect, it } from 'vitest';
import { pickStackOutputs, StackOutputMissingError } from '../../client/stack-outputs';

describe('pickStackOutputs', () => {
  it("picks the state machine and the table from a Longform stack's outputs", () => {
    expect(
      pickStackOutputs('Longform', [
        { OutputKey: 'ConsoleLink', OutputValue: 'https://console' },
        { OutputKey: 'TableName', OutputValue: 'Longform-Jobs' },
        {
          OutputKey: 'StateMachineArn',
          OutputValue: 'arn:aws:states:us-east-1:111111111111:stateMachine:lf',
        },
      ]),
    ).toEqual({
      stateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:lf',
      tableName: 'Longform-Jobs',
    });
  });

  it('names the output a stack lacks', () => {
    expect(() => pickStackOutputs('Other', [{ OutputKey: 'TableName', OutputValue: 't' }])).toThrow(
      StackOutputMissingError,
    );
    expect(() => pickStackOutputs('Other', [])).toThrow(/Stack Other has no StateMachineArn output/);
  });
});
