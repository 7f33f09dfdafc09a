import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledgeWildcards, rolePolicyOf } from './acknowledge-wildcards';

/** Where `Finalize job` writes a finished document: `documents/<jobId>.md`. */
export const DOCUMENTS_PREFIX = 'documents/';

/** Settings of the documents bucket. */
export interface DocumentsBucketProps {
  /** Days a document is kept: as long as its job stays in the table. */
  expirationDays: number;
  removalPolicy: RemovalPolicy;
}

/**
 * The stack's bucket for finished documents (under `documents/`) and batch manifests and summaries (under
 * their own prefixes): S3-managed encryption, all public access blocked, TLS only, no versioning (a
 * document is written once per job). Multipart uploads left incomplete are aborted after a day, and
 * documents expire with their job. A non-empty bucket is kept when the stack is deleted, whatever the
 * removal policy (CloudFormation does not empty buckets).
 */
export function createDocumentsBucket(scope: Construct, id: string, props: DocumentsBucketProps): Bucket {
  const bucket = new Bucket(scope, id, {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: false,
    removalPolicy: props.removalPolicy,
    lifecycleRules: [
      { id: 'AbortIncompleteMultipartUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      { id: 'ExpireDocuments', prefix: DOCUMENTS_PREFIX, expiration: Duration.days(props.expirationDays) },
    ],
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      'Only the stack’s own functions write here, with roles scoped to their prefixes; object-level auditing is CloudTrail data events, which the account enables where it wants them, rather than a second bucket of access logs.',
  });
  return bucket;
}

/**
 * Lets `fn` write documents: s3:PutObject (which also authorizes every call of a multipart upload) and
 * s3:AbortMultipartUpload, under `documents/` only.
 */
export function allowDocumentWrites(bucket: IBucket, fn: IFunction): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: [bucket.arnForObjects(`${DOCUMENTS_PREFIX}*`)],
    }),
  );
  const logicalId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnBucket);
  acknowledgeWildcards(
    rolePolicyOf(fn),
    [`<${logicalId}.Arn>/${DOCUMENTS_PREFIX}*`],
    'Documents are written under documents/<jobId>.md, one key per job, so the function may write any key under that prefix and nothing else.',
  );
}
