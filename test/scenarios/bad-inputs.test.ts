import { describe, expect, it } from 'vitest';
import {
  BAD_EXECUTION_INPUTS,
  NON_OBJECT_EXECUTION_INPUTS,
  runBadExecutionInputs,
} from '../../scenarios/bad-inputs';

describe('bad execution input on the real definition', () => {
  it('every case fails with InvalidInputError naming the field or limit, and writes nothing', async () => {
    const report = await runBadExecutionInputs('bad execution inputs', BAD_EXECUTION_INPUTS);
    expect(report.problems).toEqual([]);
    expect(report.badInputs).toBe(BAD_EXECUTION_INPUTS.length);
    expect(report.badInputsRefused).toBeGreaterThanOrEqual(20);
    expect(report.badInputsRefused).toBe(report.badInputs);
  });

  it('an input that is not a JSON object (string, array, null) is refused the same way', async () => {
    const report = await runBadExecutionInputs('non-object execution inputs', NON_OBJECT_EXECUTION_INPUTS);
    expect(report.problems).toEqual([]);
    expect(report.badInputsRefused).toBe(NON_OBJECT_EXECUTION_INPUTS.length);
  });
});
