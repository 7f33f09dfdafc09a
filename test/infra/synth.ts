import { App } from 'aws-cdk-lib';
import { LongformStack, type LongformStackProps } from '../../infra/longform-stack';

/** A Longform stack in a fresh app with asset bundling skipped (tests check the template, not the code). */
export function synthStack(props: LongformStackProps = {}): LongformStack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return new LongformStack(app, 'Longform', props);
}
