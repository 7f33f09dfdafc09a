import { join } from 'node:path';
import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from './acknowledge-wildcards';
import { PROJECT_ROOT, type WorkflowStep } from './workflow-steps';

/** Settings of one Longform Lambda function. */
export interface LongformFunctionProps {
  step: WorkflowStep;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
}

/**
 * A workflow step's Lambda function, configured one way for all of them: Node.js 22 on
 * arm64 (cheaper per GB-second), X-Ray tracing, a log group of its own with retention, and a role
 * that may only write to that log group and send traces (no AWS managed policy) until the caller
 * grants more.
 */
export class LongformFunction extends Construct {
  /** The function; grant it access through its role as usual. */
  readonly function: NodejsFunction;
  /** Its log group (created here so retention and removal are set, not left to Lambda). */
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: LongformFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: props.step.description,
    });
    this.logGroup.grantWrite(role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.step.entry,
      description: props.step.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.step.timeout,
      memorySize: props.step.memorySize,
      role,
      logGroup: this.logGroup,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The AWS SDK is bundled too: the deployed code then runs the exact SDK versions the
        // lockfile pins and the tests exercised, not whatever the runtime ships that month.
        externalModules: [],
        // Bundled CommonJS dependencies call `require` for Node built-ins; ESM has no `require`.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });

    // X-Ray is switched on at the CloudFormation level so that its wildcard permission sits in a
    // policy of its own and is acknowledged there alone: `tracing: ACTIVE` would put it in the role's
    // default policy, where acknowledging it would also hide any wildcard granted later.
    (this.function.node.defaultChild as CfnFunction).tracingConfig = { mode: 'Active' };
    const tracing = new Policy(this, 'TracingPolicy', {
      roles: [role],
      statements: [
        new PolicyStatement({
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
      ],
    });
    this.function.node.addDependency(tracing);
    acknowledgeWildcards(
      tracing,
      ['*'],
      'X-Ray: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    );
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the newest runtime the handlers are tested on (local tooling runs Node 20/22); Lambda supports it until 2027.',
    });
  }
}
