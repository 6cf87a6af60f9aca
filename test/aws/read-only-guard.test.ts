import { describe, expect, it } from 'vitest';
import { DeleteReplicationConfigurationCommand, DescribeFileSystemsCommand } from '@aws-sdk/client-efs';
import { createAwsGateway, createClientPool } from '../../src/aws/clients.js';
import { operationFromCommandName } from '../../src/aws/read-only-guard.js';
import { DrctlError } from '../../src/errors.js';
import { FakeClock } from '../../src/util/clock.js';
import { EFS_PRIMARY_ID, EFS_SECONDARY_ID, testRunbook } from '../helpers/step-context.js';
import { FakeAws } from './fake-aws.js';

function dryRunOptions(fake: FakeAws) {
  return {
    runbook: testRunbook(),
    runId: 'dry',
    clock: new FakeClock(),
    dryRun: true,
    sandbox: { requestHandler: fake },
    maxAttempts: 1,
  };
}

const efsAnswers = () => ({
  efs: () => ({ status: 200, body: { FileSystems: [] } }),
});

describe('read-only guard (--dry-run)', () => {
  it('refuses a mutating operation before any request reaches the wire', async () => {
    const fake = new FakeAws(efsAnswers());
    const gw = createAwsGateway(dryRunOptions(fake));
    const err = await gw.call({ account: 'dr' }, 'efs', 'DeleteReplicationConfiguration', { SourceFileSystemId: EFS_PRIMARY_ID }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DrctlError);
    expect((err as DrctlError).code).toBe('dry-run-mutation');
    expect((err as DrctlError).message).toContain('efs DeleteReplicationConfiguration');
    expect(fake.requestsTo('elasticfilesystem')).toHaveLength(0);
  });

  it('lets reads through to the handler', async () => {
    const fake = new FakeAws(efsAnswers());
    const gw = createAwsGateway(dryRunOptions(fake));
    await gw.call({ account: 'dr' }, 'efs', 'DescribeFileSystems', { FileSystemId: EFS_SECONDARY_ID });
    expect(fake.requestsTo('elasticfilesystem').map((r) => r.method)).toEqual(['GET']);
  });

  it('is a middleware on the client itself: a raw client from the pool cannot mutate either', async () => {
    const fake = new FakeAws(efsAnswers());
    const pool = createClientPool(dryRunOptions(fake));
    const client = await pool.client('efs', 'dr', 'us-west-2');
    await expect(client.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: EFS_PRIMARY_ID }))).rejects.toMatchObject({ code: 'dry-run-mutation' });
    await client.send(new DescribeFileSystemsCommand({ FileSystemId: EFS_SECONDARY_ID }));
    expect(fake.requestsTo('elasticfilesystem').map((r) => r.method)).toEqual(['GET']);
  });

  it('is absent outside dry runs', async () => {
    const fake = new FakeAws({ efs: () => ({ status: 204 }) });
    const pool = createClientPool({ ...dryRunOptions(fake), dryRun: false });
    const client = await pool.client('efs', 'dr', 'us-west-2');
    await client.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: EFS_PRIMARY_ID }));
    expect(fake.requestsTo('elasticfilesystem').map((r) => r.method)).toEqual(['DELETE']);
  });

  it('reads the operation name from the command name', () => {
    expect(operationFromCommandName('DeleteReplicationConfigurationCommand')).toBe('DeleteReplicationConfiguration');
    expect(operationFromCommandName(undefined)).toBe('');
  });
});
