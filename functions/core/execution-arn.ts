/**
 * The ARN Step Functions gives an execution: its state machine's ARN with `stateMachine` replaced by
 * `execution`, then `:<execution name>` (a job's first execution is named by its job id).
 */
export function executionArnOf(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}
