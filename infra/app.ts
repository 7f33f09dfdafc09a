import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { propsFromContext } from './context-props';
import { LongformStack } from './longform-stack';

// The CDK app of `npx cdk synth|deploy`: one environment-agnostic Longform stack configured from
// context and checked against cdk-nag's AWS Solutions rules (cdk-nag 3 runs as a CDK validation
// plugin: any finding that is not acknowledged with a reason stops synthesis).
const app = new App();
new LongformStack(app, 'Longform', {
  description: 'Longform: documents longer than one model response (Step Functions + Bedrock + DynamoDB)',
  ...propsFromContext((key) => app.node.tryGetContext(key)),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
