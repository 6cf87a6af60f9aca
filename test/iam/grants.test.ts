import { describe, expect, it } from 'vitest';
import { UnknownOperationError, grantsForCall, isCoveredBy, renderStatements, type IamPolicyDocument } from '../../src/iam/index.js';
import type { PlannedCall } from '../../src/steps/types.js';

const ctx = { accountId: '111111111111', partition: 'aws', fallbackRoles: [] as string[], uncertain: true };
const call = (service: PlannedCall['service'], operation: string, params: Record<string, unknown> = {}, resources?: string[]): PlannedCall => ({
  service,
  operation,
  account: 'prod',
  region: 'us-east-1',
  params,
  ...(resources ? { resources } : {}),
});
const policyOf = (...calls: PlannedCall[]): IamPolicyDocument => ({
  Version: '2012-10-17',
  Statement: renderStatements(calls.flatMap((c) => grantsForCall(c, ctx).grants)),
});

describe('grantsForCall', () => {
  it('grants PassRole on the role a call passes, only to the service it is passed to', () => {
    const role = 'arn:aws:iam::111111111111:role/s3-replication';
    const { grants } = grantsForCall(call('s3', 'PutBucketReplication', { Bucket: 'b', Role: role }, ['arn:aws:s3:::b']), ctx);
    expect(grants).toEqual([
      { actions: ['s3:PutReplicationConfiguration'], resources: ['arn:aws:s3:::b'] },
      { actions: ['iam:PassRole'], resources: [role], condition: { StringEquals: { 'iam:PassedToService': 's3.amazonaws.com' } } },
    ]);
  });

  it('falls back to the runbook roles of the account, then to every role with a note, when a required role is not named', () => {
    const job = call('s3control', 'CreateJob', { AccountId: '111111111111' }, ['arn:aws:s3:us-east-1:111111111111:job/*']);
    const batchRole = 'arn:aws:iam::111111111111:role/batch';
    expect(grantsForCall(job, { ...ctx, fallbackRoles: [batchRole] }).grants[1]).toMatchObject({ resources: [batchRole], condition: { StringEquals: { 'iam:PassedToService': 'batchoperations.s3.amazonaws.com' } } });
    const unnamed = grantsForCall(job, ctx);
    expect(unnamed.grants[1]?.resources).toEqual(['arn:aws:iam::111111111111:role/*']);
    expect(unnamed.notes[0]).toContain('narrow it to the role you use');
  });

  it('grants no PassRole for an EFS replication that passes no role (same account)', () => {
    const { grants } = grantsForCall(call('efs', 'CreateReplicationConfiguration', { SourceFileSystemId: 'fs-1', Destinations: [{ Region: 'us-west-2' }] }), ctx);
    expect(grants.flatMap((g) => g.actions)).not.toContain('iam:PassRole');
  });

  it('uses * only when the call names no resource', () => {
    expect(grantsForCall(call('cloudwatch', 'GetMetricData'), ctx).grants).toEqual([{ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }]);
  });

  it('scopes the DRA service-linked-role actions and adds the uncertain bucket access unless asked not to', () => {
    const dra = call('fsx', 'CreateDataRepositoryAssociation', { FileSystemId: 'fs-1', DataRepositoryPath: 's3://lustre-prod/data/' }, ['arn:aws:fsx:us-east-1:111111111111:file-system/fs-1']);
    const withUncertain = grantsForCall(dra, ctx);
    const slrPath = 'arn:aws:iam::111111111111:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/*';
    expect(withUncertain.grants).toContainEqual({ actions: ['iam:AttachRolePolicy', 'iam:PutRolePolicy'], resources: [slrPath] });
    expect(withUncertain.grants).toContainEqual({ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::lustre-prod/*'] });
    expect(withUncertain.notes[0]).toContain('uncertain');
    const without = grantsForCall(dra, { ...ctx, uncertain: false });
    expect(without.grants.flatMap((g) => g.actions).some((a) => a.startsWith('s3:'))).toBe(false);
  });

  it('refuses an operation missing from the catalogue (a step kind bug)', () => {
    expect(() => grantsForCall(call('s3', 'PutBucketPolicy'), ctx)).toThrow(UnknownOperationError);
  });
});

describe('renderStatements', () => {
  it('never grants one call’s action on another call’s resource', () => {
    const policy = policyOf(call('s3', 'GetBucketVersioning', {}, ['arn:aws:s3:::a']), call('s3', 'PutBucketVersioning', {}, ['arn:aws:s3:::b']));
    expect(isCoveredBy(policy, 's3', 'GetBucketVersioning', 'arn:aws:s3:::a')).toBe(true);
    expect(isCoveredBy(policy, 's3', 'PutBucketVersioning', 'arn:aws:s3:::b')).toBe(true);
    expect(isCoveredBy(policy, 's3', 'PutBucketVersioning', 'arn:aws:s3:::a')).toBe(false);
    expect(isCoveredBy(policy, 's3', 'GetBucketVersioning', 'arn:aws:s3:::b')).toBe(false);
  });

  it('merges same actions on different resources, and same resources for different actions', () => {
    const policy = policyOf(
      call('s3', 'GetBucketVersioning', {}, ['arn:aws:s3:::a']),
      call('s3', 'GetBucketVersioning', {}, ['arn:aws:s3:::b']),
      call('s3', 'GetBucketReplication', {}, ['arn:aws:s3:::a']),
      call('s3', 'GetBucketReplication', {}, ['arn:aws:s3:::b']),
    );
    expect(policy.Statement).toEqual([
      { Sid: 'S31', Effect: 'Allow', Action: ['s3:GetBucketVersioning', 's3:GetReplicationConfiguration'], Resource: ['arn:aws:s3:::a', 'arn:aws:s3:::b'] },
    ]);
  });
});

describe('isCoveredBy', () => {
  const role = 'arn:aws:iam::111111111111:role/r';
  const policy: IamPolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'A', Effect: 'Allow', Action: ['s3:Get*'], Resource: ['arn:aws:s3:::bkt/*'] },
      { Sid: 'B', Effect: 'Allow', Action: ['S3:PutReplicationConfiguration'], Resource: ['arn:aws:s3:::bkt'] },
      { Sid: 'C', Effect: 'Allow', Action: ['iam:PassRole'], Resource: [role], Condition: { StringEquals: { 'iam:PassedToService': 's3.amazonaws.com' } } },
    ],
  };

  it('matches action wildcards case-insensitively and resource wildcards exactly', () => {
    expect(isCoveredBy(policy, 's3', 'GetObject', 'arn:aws:s3:::bkt/a/b.txt')).toBe(true);
    expect(isCoveredBy(policy, 's3', 'GetObject', 'arn:aws:s3:::other/a')).toBe(false);
    expect(isCoveredBy(policy, 's3', 'PutBucketReplication', 'arn:aws:s3:::bkt')).toBe(true);
    expect(isCoveredBy(policy, 's3', 'HeadObject', 'arn:aws:s3:::bkt/k')).toBe(false); // also needs s3:ListBucket
  });

  it('checks PassRole against the role and the service it is passed to', () => {
    expect(isCoveredBy(policy, 's3', 'PutBucketReplication', 'arn:aws:s3:::bkt', { passedRole: role })).toBe(true);
    expect(isCoveredBy(policy, 's3', 'PutBucketReplication', 'arn:aws:s3:::bkt', { passedRole: 'arn:aws:iam::111111111111:role/other' })).toBe(false);
    expect(isCoveredBy(policy, 'efs', 'CreateReplicationConfiguration', undefined, { passedRole: role })).toBe(false);
  });

  it('treats calls that need no permission as covered and unknown operations as not', () => {
    expect(isCoveredBy(policy, 'sts', 'GetCallerIdentity')).toBe(true);
    expect(isCoveredBy(policy, 's3', 'NoSuchOperation')).toBe(false);
  });
});

describe('S3 resource scoping', () => {
  it('grants bucket actions on the bucket and object actions on objects, whatever ARN the call names', () => {
    const { grants } = grantsForCall(call('s3', 'HeadObject', { Bucket: 'b', Key: 'k' }, ['arn:aws:s3:::b/k']), ctx);
    expect(grants).toEqual([
      { actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/k'] },
      { actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::b'] },
    ]);
    expect(grantsForCall(call('s3', 'GetObject', {}, ['arn:aws:s3:::b']), ctx).grants[0]?.resources).toEqual(['arn:aws:s3:::b/*']);
    expect(grantsForCall(call('s3control', 'CreateJob', {}, ['arn:aws:s3:us-east-1:111111111111:job/*']), ctx).grants[0]).toEqual({ actions: ['s3:CreateJob'], resources: ['*'] });
    expect(grantsForCall(call('s3control', 'DescribeJob', {}, ['arn:aws:s3:us-east-1:111111111111:job/*']), ctx).grants[0]?.resources).toEqual(['arn:aws:s3:us-east-1:111111111111:job/*']);
  });

  it('checks coverage against the same scoping', () => {
    const policy = policyOf(call('s3', 'HeadObject', {}, ['arn:aws:s3:::b/*']));
    expect(isCoveredBy(policy, 's3', 'HeadObject', 'arn:aws:s3:::b/some/key')).toBe(true);
    expect(isCoveredBy(policy, 's3', 'HeadObject', 'arn:aws:s3:::c/some/key')).toBe(false);
  });
});
