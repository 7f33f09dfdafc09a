import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createDocumentsBucket } from '../../infra/documents-bucket';
import { WORKFLOW_STEPS } from '../../infra/workflow-steps';
import { synthStack, testApp } from './synth';

type Json = Record<string, unknown>;
type Resource = { Type: string; Properties: Json; DeletionPolicy?: string };

const resourcesOf = (template: Template) => template.toJSON().Resources as Record<string, Resource>;
const stack = synthStack({ jobTtlDays: 7 });
const template = Template.fromStack(stack);
const resources = resourcesOf(template);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const [[bucketId, bucket] = []] = ofType('AWS::S3::Bucket');
const bucketArn = { 'Fn::GetAtt': [bucketId, 'Arn'] };
const functionId = (step: keyof typeof WORKFLOW_STEPS) =>
  ofType('AWS::Lambda::Function').find(
    ([, fn]) => fn.Properties.Description === WORKFLOW_STEPS[step].description,
  )?.[0] as string;

describe('the documents bucket', () => {
  it('is one bucket, S3-encrypted, unversioned, closed to the public, and retained by default', () => {
    expect(ofType('AWS::S3::Bucket')).toHaveLength(1);
    expect(bucket?.DeletionPolicy).toBe('Retain');
    expect(bucket?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    expect(bucket?.Properties).not.toHaveProperty('VersioningConfiguration');
  });

  it('aborts incomplete multipart uploads after a day and expires documents with their job', () => {
    expect(bucket?.Properties).toHaveProperty('LifecycleConfiguration.Rules', [
      {
        Id: 'AbortIncompleteMultipartUploads',
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        Status: 'Enabled',
      },
      { Id: 'ExpireDocuments', Prefix: 'documents/', ExpirationInDays: 7, Status: 'Enabled' },
    ]);
  });

  it('refuses every request without TLS, and grants nothing in its bucket policy', () => {
    const [[, policy] = []] = ofType('AWS::S3::BucketPolicy');
    expect(policy?.Properties.Bucket).toEqual({ Ref: bucketId });
    expect(policy?.Properties).toHaveProperty('PolicyDocument.Statement', [
      {
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
      },
    ]);
  });

  it('is named to Finalize job, and only to it, and in the stack outputs', () => {
    const withBucket = ofType('AWS::Lambda::Function').filter(
      ([, fn]) => (fn.Properties.Environment as { Variables: Json }).Variables.DOCUMENTS_BUCKET,
    );
    expect(withBucket.map(([id]) => id)).toEqual([functionId('finalize')]);
    expect(withBucket[0]?.[1].Properties).toHaveProperty('Environment.Variables.DOCUMENTS_BUCKET', {
      Ref: bucketId,
    });
    expect(template.toJSON().Outputs.DocumentsBucketName.Value).toEqual({ Ref: bucketId });
    expect(stack.longform.documentsBucket).toBeDefined();
  });

  it('may be written by Finalize job only, with PutObject and AbortMultipartUpload under documents/', () => {
    const s3Statements = ofType('AWS::IAM::Policy').flatMap(([id, policy]) =>
      (policy.Properties.PolicyDocument as { Statement: Json[] }).Statement.filter((statement) =>
        JSON.stringify(statement.Action).includes('s3:'),
      ).map((statement) => ({ id, statement })),
    );
    // The batch workflow reads manifests/ and writes batch-results/ only (test/infra/batch-workflow.test.ts).
    const [batch, others] = [true, false].map((isBatch) =>
      s3Statements.filter(({ id }) => id.startsWith('LongformBatch') === isBatch),
    );
    for (const { statement } of batch ?? []) {
      expect(JSON.stringify(statement.Resource)).toMatch(/\/(manifests|batch-results)\/\*"/);
      expect(JSON.stringify(statement.Resource)).not.toContain('/documents/');
    }
    expect(others).toEqual([
      {
        id: expect.stringMatching(/^LongformFinalizeJobRoleDefaultPolicy/),
        statement: {
          Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', [bucketArn, '/documents/*']] },
        },
      },
    ]);
  });

  it('follows the removal policy', () => {
    const app = testApp();
    const scope = new Stack(app, 'Bucket');
    createDocumentsBucket(scope, 'Documents', { expirationDays: 3, removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(scope).hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });

  it('is left out, with its variable and output, when the stack turns it off', () => {
    const off = synthStack({ documentsBucket: false });
    const offTemplate = Template.fromStack(off);
    offTemplate.resourceCountIs('AWS::S3::Bucket', 0);
    expect(off.longform.documentsBucket).toBeUndefined();
    expect(offTemplate.toJSON().Outputs).not.toHaveProperty('DocumentsBucketName');
    // Batches read manifests from and write results to the bucket, so they go with it.
    expect(off.longform.batch).toBeUndefined();
    expect(offTemplate.toJSON().Outputs).not.toHaveProperty('BatchStateMachineArn');
    offTemplate.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    for (const fn of Object.values(resourcesOf(offTemplate)).filter(
      (r) => r.Type === 'AWS::Lambda::Function',
    )) {
      expect(fn.Properties).not.toHaveProperty('Environment.Variables.DOCUMENTS_BUCKET');
    }
  });
});
