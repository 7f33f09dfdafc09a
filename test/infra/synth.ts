import { App, type AppProps } from 'aws-cdk-lib';
import { LongformStack, type LongformStackProps } from '../../infra/longform-stack';

/**
 * A CDK app for tests, without CDK's built-in CloudFormation validation: it only reports warnings here
 * (`npm run synth` runs it on the real app), and starting its engine costs about 4 s of CPU in every test
 * file that synthesizes, and half a second each synthesis after.
 */
export function testApp(props: AppProps = {}): App {
  return new App({ builtinCloudFormationValidation: false, ...props });
}

/** A Longform stack in a fresh app with asset bundling skipped (tests check the template, not the code). */
export function synthStack(props: LongformStackProps = {}): LongformStack {
  return new LongformStack(testApp({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Longform', props);
}
