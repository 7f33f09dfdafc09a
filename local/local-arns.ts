/** The ARNs the offline runtime gives the state machines it runs (region `local`, a placeholder account). */
const LOCAL_STATES_ARN = 'arn:aws:states:local:000000000000';

/** The Longform state machine's name offline, as `serve` lists it. */
export const LOCAL_STATE_MACHINE_NAME = 'longform';

/** The Longform state machine `serve` and `longform batch` run: the stack's, synthesized for offline. */
export const LOCAL_STATE_MACHINE_ARN = `${LOCAL_STATES_ARN}:stateMachine:${LOCAL_STATE_MACHINE_NAME}`;

/** The batch state machine `longform batch` runs. */
export const LOCAL_BATCH_STATE_MACHINE_ARN = `${LOCAL_STATES_ARN}:stateMachine:longform-batch`;
