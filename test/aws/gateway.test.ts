import { describe, expect, it } from 'vitest';
import { createAwsGateway } from '../../src/aws/clients.js';
import type { AwsLayerOptions } from '../../src/aws/clients.js';
import { sessionNameFor } from '../../src/aws/credentials.js';
import { AwsCallError } from '../../src/aws/errors.js';
import type { AwsCallRecord } from '../../src/aws/types.js';
import { RefusedError } from '../../src/errors.js';
import { FakeClock } from '../../src/util/clock.js';
import { EFS_PRIMARY_ID, EFS_SECONDARY_ID, PRIMARY_ACCOUNT_ID, SECONDARY_ACCOUNT_ID, testRunbook } from '../helpers/step-context.js';
import { FakeAws } from './fake-aws.js';
import type { FakeAwsOptions } from './fake-aws.js';

const RUN_ID = '20260101T000000Z-failover-a1b2c3';

function gateway(fake: FakeAws, extra: Partial<AwsLayerOptions> = {}) {
  const calls: AwsCallRecord[] = [];
  const gw = createAwsGateway({
    runbook: testRunbook(),
    runId: RUN_ID,
    clock: new FakeClock(),
    dryRun: false,
    onCall: (r) => calls.push(r),
    sandbox: { requestHandler: fake },
    maxAttempts: 1,
    ...extra,
  });
  return { gw, calls };
}

const describedFs = (id: string) => ({
  status: 200,
  body: { FileSystems: [{ FileSystemId: id, LifeCycleState: 'available', OwnerId: '1', CreationToken: 't', CreationTime: 1, NumberOfMountTargets: 0, SizeInBytes: { Value: 0 }, PerformanceMode: 'generalPurpose', Tags: [] }] },
});

function efsAnswers(overrides: FakeAwsOptions['efs'] = () => undefined): FakeAwsOptions['efs'] {
  return (req) => {
    const custom = overrides(req);
    if (custom) return custom;
    if (req.method === 'GET' && req.path.endsWith('/file-systems')) return describedFs(String(req.query.FileSystemId));
    if (req.method === 'DELETE') return { status: 204 };
    return undefined;
  };
}

describe('credentials', () => {
  it('names the AssumeRole session drctl-<run id>, passes the external id and a one-hour duration', async () => {
    const fake = new FakeAws({ efs: efsAnswers() });
    const { gw } = gateway(fake);
    await gw.call({ account: 'dr' }, 'efs', 'DescribeFileSystems', { FileSystemId: EFS_SECONDARY_ID });
    const [assume] = fake.requestsTo('sts').filter((r) => r.form.Action === 'AssumeRole');
    expect(assume?.form).toMatchObject({
      RoleArn: `arn:aws:iam::${SECONDARY_ACCOUNT_ID}:role/drctl`,
      RoleSessionName: `drctl-${RUN_ID}`,
      ExternalId: 'drctl-ext-1',
      DurationSeconds: '3600',
    });
    // The EFS call was signed with the assumed role's key, not the base key.
    expect(fake.requestsTo('elasticfilesystem')[0]?.accessKeyId).toMatch(/^ASIA/);
  });

  it('omits ExternalId when the account declares none', async () => {
    const fake = new FakeAws({ efs: efsAnswers() });
    const { gw } = gateway(fake);
    await gw.call({ account: 'prod' }, 'efs', 'DescribeFileSystems', { FileSystemId: EFS_PRIMARY_ID });
    const assume = fake.requestsTo('sts').find((r) => r.form.Action === 'AssumeRole');
    expect(assume?.form.ExternalId).toBeUndefined();
  });

  it('sanitises the session name to what STS accepts (2-64 of [\\w+=,.@-])', () => {
    expect(sessionNameFor('2026/01/01 run#1')).toBe('drctl-2026-01-01-run-1');
    expect(sessionNameFor('x'.repeat(100))).toHaveLength(64);
    expect(sessionNameFor('ok')).toMatch(/^[\w+=,.@-]{2,64}$/);
  });

  it('assumes the role once per account and region, shared by every client of that account', async () => {
    const fake = new FakeAws({ efs: efsAnswers() });
    const { gw } = gateway(fake);
    await gw.call({ account: 'dr' }, 'efs', 'DescribeFileSystems', { FileSystemId: EFS_SECONDARY_ID });
    await gw.call({ account: 'dr' }, 'efs', 'DescribeFileSystems', { FileSystemId: EFS_SECONDARY_ID });
    await gw.verifyIdentity('dr');
    const assumes = fake.requestsTo('sts').filter((r) => r.form.Action === 'AssumeRole');
    expect(assumes).toHaveLength(1);
  });

  it('turns an AssumeRole AccessDenied into an error naming the account, the role and the trust policy', async () => {
    const fake = new FakeAws({ assumeRoleError: 'AccessDenied', efs: efsAnswers() });
    const { gw } = gateway(fake);
    const err = await gw.call({ account: 'dr' }, 'efs', 'DescribeFileSystems', { FileSystemId: EFS_SECONDARY_ID }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsCallError);
    const e = err as AwsCallError;
    expect(e.code).toBe('aws-credentials');
    expect(e.awsErrorName).toBe('AccessDenied');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain(`account dr (${SECONDARY_ACCOUNT_ID}) us-west-2`);
    expect(e.message).toContain(`could not assume role arn:aws:iam::${SECONDARY_ACCOUNT_ID}:role/drctl`);
    expect(e.hint).toContain('trust policy');
    expect(fake.requestsTo('elasticfilesystem')).toHaveLength(0);
  });
});

describe('identity', () => {
  it('verifies the account with GetCallerIdentity before its first mutation, once', async () => {
    const fake = new FakeAws({ efs: efsAnswers() });
    const { gw } = gateway(fake);
    await gw.call({ account: 'dr' }, 'efs', 'DeleteReplicationConfiguration', { SourceFileSystemId: EFS_PRIMARY_ID });
    await gw.call({ account: 'dr' }, 'efs', 'DeleteReplicationConfiguration', { SourceFileSystemId: EFS_PRIMARY_ID });
    const order = fake.requests.map((r) => (r.service === 'sts' ? r.form.Action : `${r.method} efs`));
    expect(order).toEqual(['AssumeRole', 'GetCallerIdentity', 'DELETE efs', 'DELETE efs']);
    expect(gw.identities()).toEqual([{ account: 'dr', accountId: SECONDARY_ACCOUNT_ID, arn: `arn:aws:sts::${SECONDARY_ACCOUNT_ID}:assumed-role/drctl/session`, userId: 'AIDAFAKE' }]);
  });

  it('does not verify identity for reads', async () => {
    const fake = new FakeAws({ efs: efsAnswers() });
    const { gw } = gateway(fake);
    await gw.call({ account: 'dr' }, 'efs', 'DescribeFileSystems', { FileSystemId: EFS_SECONDARY_ID });
    expect(fake.requestsTo('sts').map((r) => r.form.Action)).toEqual(['AssumeRole']);
  });

  it('refuses to mutate when the credentials belong to another account, naming both ids and the ARN', async () => {
    const fake = new FakeAws({ roleAccounts: { [`arn:aws:iam::${SECONDARY_ACCOUNT_ID}:role/drctl`]: '333333333333' }, efs: efsAnswers() });
    const { gw } = gateway(fake);
    const err = await gw.call({ account: 'dr' }, 'efs', 'DeleteReplicationConfiguration', { SourceFileSystemId: EFS_PRIMARY_ID }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RefusedError);
    const e = err as RefusedError;
    expect(e.code).toBe('wrong-account');
    expect(e.message).toContain('333333333333');
    expect(e.message).toContain(SECONDARY_ACCOUNT_ID);
    expect(e.message).toContain('arn:aws:sts::333333333333:assumed-role/');
    expect(fake.requestsTo('elasticfilesystem')).toHaveLength(0);
    await expect(gw.verifyIdentity('dr')).rejects.toMatchObject({ code: 'wrong-account' });
  });

  it('verifies an account whose own region is unavailable in another region the runbook uses for it', async () => {
    const input = testRunbook();
    // Same account on both sides: the DR side is the prod account in us-west-2.
    const runbook = { ...input, filesystems: { 'efs-prod': { ...input.filesystems['efs-prod']!, secondary: { account: 'prod', fileSystemId: EFS_SECONDARY_ID, region: 'us-west-2' } } } } as typeof input;
    const fake = new FakeAws({ efs: efsAnswers() });
    const { gw } = gateway(fake, { runbook, deniedTargets: [{ account: 'prod', region: 'us-east-1' }] });
    const identity = await gw.verifyIdentity('prod');
    expect(identity.accountId).toBe(PRIMARY_ACCOUNT_ID);
    expect(fake.requests.every((r) => r.headers.authorization?.includes('/us-west-2/'))).toBe(true);
  });
});

describe('denied targets (--primary-unavailable)', () => {
  it('refuses a call to a denied account/region without sending anything', async () => {
    const fake = new FakeAws({ efs: efsAnswers() });
    const { gw, calls } = gateway(fake, { deniedTargets: [{ account: 'prod', region: 'us-east-1' }] });
    const err = await gw.call({ account: 'prod' }, 'efs', 'DescribeReplicationConfigurations', { FileSystemId: EFS_PRIMARY_ID }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RefusedError);
    expect((err as RefusedError).code).toBe('primary-unavailable-call');
    expect((err as RefusedError).message).toContain(`account prod (${PRIMARY_ACCOUNT_ID}) us-east-1`);
    expect(fake.requests).toHaveLength(0);
    expect(calls).toHaveLength(0);
  });

  it('still lets calls to other regions of the same account through', async () => {
    const fake = new FakeAws({ efs: efsAnswers() });
    const { gw } = gateway(fake, { deniedTargets: [{ account: 'prod', region: 'us-east-1' }] });
    await gw.call({ account: 'prod', region: 'us-west-2' }, 'efs', 'DescribeFileSystems', { FileSystemId: EFS_PRIMARY_ID });
    expect(fake.requestsTo('elasticfilesystem')).toHaveLength(1);
  });
});

describe('journal records', () => {
  it('records service, operation, account, region, request id, outcome and attempts — never credentials', async () => {
    const fake = new FakeAws({
      efs: efsAnswers((req) => (req.method === 'GET' && req.path.includes('replication-configurations') ? { status: 404, errorType: 'ReplicationNotFound', body: { ErrorCode: 'ReplicationNotFound', Message: 'none' } } : undefined)),
    });
    const { gw, calls } = gateway(fake);
    await gw.call({ account: 'dr' }, 'efs', 'DeleteReplicationConfiguration', { SourceFileSystemId: EFS_PRIMARY_ID });
    await gw.call({ account: 'dr' }, 'efs', 'DescribeReplicationConfigurations', { FileSystemId: EFS_SECONDARY_ID }).catch(() => undefined);
    expect(calls.map((c) => [c.service, c.operation, c.outcome])).toEqual([
      ['sts', 'GetCallerIdentity', 'ok'],
      ['efs', 'DeleteReplicationConfiguration', 'ok'],
      ['efs', 'DescribeReplicationConfigurations', 'error'],
    ]);
    const failed = calls[2]!;
    expect(failed).toMatchObject({ account: 'dr', accountId: SECONDARY_ACCOUNT_ID, region: 'us-west-2', errorName: 'ReplicationNotFound', httpStatus: 404, attempts: 1 });
    expect(failed.requestId).toMatch(/^req-404-/);
    expect(Object.keys(calls[1]!).sort()).toEqual(['account', 'accountId', 'attempts', 'durationMs', 'httpStatus', 'operation', 'outcome', 'region', 'requestId', 'service']);
    const journal = JSON.stringify(calls);
    for (const secret of ['AKIDSANDBOX', 'ASIAFAKE', 'secret-', 'token-', 'sandbox"']) expect(journal).not.toContain(secret);
  });
});

describe('failures through the gateway', () => {
  it('maps a connection failure to a retryable AwsCallError that names the region', async () => {
    const down = {
      metadata: { handlerProtocol: 'http/1.1' },
      async handle(): Promise<never> {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
      },
    };
    const calls: AwsCallRecord[] = [];
    const runbook = testRunbook();
    const noRoles = { ...runbook, accounts: { prod: { ...runbook.accounts.prod!, roleArn: undefined }, dr: { ...runbook.accounts.dr!, roleArn: undefined } } } as typeof runbook;
    const gw2 = createAwsGateway({ runbook: noRoles, runId: RUN_ID, clock: new FakeClock(), dryRun: false, sandbox: { requestHandler: down }, maxAttempts: 1, onCall: (r) => calls.push(r) });
    const err = await gw2.call({ account: 'prod' }, 'efs', 'DescribeReplicationConfigurations', { FileSystemId: EFS_PRIMARY_ID }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsCallError);
    expect(err).toMatchObject({ awsErrorName: 'ECONNREFUSED', retryable: true, region: 'us-east-1' });
    expect((err as AwsCallError).hint).toContain('--primary-unavailable');
    expect(calls.at(-1)).toMatchObject({ outcome: 'error', errorName: 'ECONNREFUSED' });
  });

  it('maps throttling to a retryable error', async () => {
    const fake = new FakeAws({ efs: () => ({ status: 429, errorType: 'ThrottlingException', body: { ErrorCode: 'ThrottlingException', Message: 'Rate exceeded' } }) });
    const { gw } = gateway(fake);
    await expect(gw.call({ account: 'dr' }, 'efs', 'DescribeFileSystems', { FileSystemId: EFS_SECONDARY_ID })).rejects.toMatchObject({ awsErrorName: 'ThrottlingException', httpStatus: 429, retryable: true });
  });
});

describe('sandbox client settings', () => {
  it('uses path-style S3 and a fixed S3 Control endpoint without the account-id host prefix', async () => {
    const fake = new FakeAws();
    const { gw } = gateway(fake, { sandbox: { endpoint: 'http://127.0.0.1:4566', requestHandler: fake } });
    await gw.call({ account: 'dr' }, 's3', 'GetBucketVersioning', { Bucket: 'media-dr' });
    await gw.call({ account: 'dr' }, 's3control', 'DescribeJob', { AccountId: SECONDARY_ACCOUNT_ID, JobId: 'job-1' }).catch(() => undefined);
    const [s3, control] = fake.requestsTo('s3');
    expect(s3).toMatchObject({ hostname: '127.0.0.1', path: '/media-dr/' });
    expect(control).toMatchObject({ hostname: '127.0.0.1', path: '/v20180820/jobs/job-1' });
  });
});
