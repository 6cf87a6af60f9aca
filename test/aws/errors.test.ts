import { describe, expect, it } from 'vitest';
import { AwsCallError, CredentialResolutionError, isNetworkError, isRetryable, mapAwsError } from '../../src/aws/errors.js';
import type { CallSite } from '../../src/aws/errors.js';
import { RefusedError, StepError } from '../../src/errors.js';
import { awsError, networkError } from '../helpers/step-context.js';

const site: CallSite = {
  service: 'efs',
  operation: 'DeleteReplicationConfiguration',
  account: 'dr',
  accountId: '222222222222',
  region: 'us-west-2',
  roleArn: 'arn:aws:iam::222222222222:role/drctl',
  resource: 'fs-0123456789abcdef0',
};

describe('mapAwsError', () => {
  it('names the call, the account with its id, the region, the AWS error and the request id', () => {
    const err = mapAwsError(awsError('ReplicationNotFound', { status: 404, requestId: 'abc', message: 'No replication configuration found' }), site);
    expect(err).toBeInstanceOf(AwsCallError);
    expect(err).toBeInstanceOf(StepError);
    expect(err.message).toBe(
      'efs DeleteReplicationConfiguration for fs-0123456789abcdef0 in account dr (222222222222) us-west-2 failed: ReplicationNotFound: No replication configuration found (request id abc)',
    );
    expect(err).toMatchObject({ awsErrorName: 'ReplicationNotFound', requestId: 'abc', httpStatus: 404, service: 'efs', operation: 'DeleteReplicationConfiguration', account: 'dr', accountId: '222222222222', region: 'us-west-2', retryable: false, exitCode: 1 });
  });

  it('hints at the role and IAM actions for AccessDenied', () => {
    const err = mapAwsError(awsError('AccessDeniedException', { status: 403 }), site);
    expect(err.hint).toContain('role arn:aws:iam::222222222222:role/drctl');
    expect(err.hint).toContain('elasticfilesystem:DeleteReplicationConfiguration');
    expect((err as AwsCallError).retryable).toBe(false);
  });

  it('hints at refreshing credentials for expired tokens', () => {
    const err = mapAwsError(awsError('ExpiredTokenException', { status: 400 }), site);
    expect(err.code).toBe('aws-credentials');
    expect(err.hint).toContain('aws sso login');
  });

  it('hints at checking the id, account and region for FileSystemNotFound', () => {
    const err = mapAwsError(awsError('FileSystemNotFound', { status: 404 }), site);
    expect(err.hint).toContain('fs-0123456789abcdef0');
    expect(err.hint).toContain('account dr (222222222222) us-west-2');
  });

  it('marks throttling, 5xx and network errors retryable, with a --primary-unavailable hint for the network', () => {
    expect((mapAwsError(awsError('ThrottlingException', { status: 429 }), site) as AwsCallError).retryable).toBe(true);
    expect((mapAwsError(awsError('TooManyRequests', { status: 429 }), site) as AwsCallError).retryable).toBe(true);
    expect((mapAwsError(awsError('Throttling', { status: 400 }), site) as AwsCallError).retryable).toBe(true);
    expect((mapAwsError(awsError('InternalServerError', { status: 500 }), site) as AwsCallError).retryable).toBe(true);
    expect((mapAwsError(awsError('DependencyTimeout', { status: 504 }), site) as AwsCallError).retryable).toBe(true);
    const net = mapAwsError(networkError('ECONNREFUSED'), site) as AwsCallError;
    expect(net.retryable).toBe(true);
    expect(net.awsErrorName).toBe('ECONNREFUSED');
    expect(net.hint).toContain('--primary-unavailable');
    for (const code of ['ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE']) expect(isRetryable(networkError(code))).toBe(true);
    const hangUp = new Error('socket hang up');
    expect(isNetworkError(hangUp)).toBe(true);
    const timeout = new Error('timed out');
    timeout.name = 'TimeoutError';
    expect(isRetryable(timeout)).toBe(true);
  });

  it('never retries validation, not-found or access errors', () => {
    for (const name of ['BadRequest', 'ValidationException', 'FileSystemNotFound', 'AccessDenied', 'ReplicationAlreadyExists']) {
      expect(isRetryable(awsError(name, { status: name === 'AccessDenied' ? 403 : 400 }))).toBe(false);
    }
  });

  it('passes drctl errors through unchanged', () => {
    const refused = new RefusedError('dry-run-mutation', 'no');
    expect(mapAwsError(refused, site)).toBe(refused);
    expect(isRetryable(refused)).toBe(false);
  });

  it('explains missing base credentials with the profile to fix', () => {
    const noCreds = new Error('Could not load credentials from any providers');
    noCreds.name = 'CredentialsProviderError';
    const err = mapAwsError(new CredentialResolutionError('base-credentials', 'dr', undefined, undefined, 'dr-admin', noCreds), site) as AwsCallError;
    expect(err.code).toBe('aws-credentials');
    expect(err.message).toContain('no usable base credentials from profile dr-admin');
    expect(err.hint).toContain('aws sso login --profile dr-admin');
    expect(err.retryable).toBe(false);
  });
});
