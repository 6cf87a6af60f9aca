import { CreateFileSystemCommand, DescribeFileSystemsCommand, DescribeReplicationConfigurationsCommand } from '@aws-sdk/client-efs';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { createFileSystem } from '../../src/sandbox/services/efs/file-systems.js';
import { ACCOUNT_A, BASE_CREDENTIALS, errorOf, makeCoreKit, REGION_A, REGION_B } from './kit.js';

describe('sandbox fault injection', () => {
  it('throttles the next N calls of one operation; the SDK retries them and succeeds', async () => {
    const kit = makeCoreKit();
    createFileSystem(kit.world, ACCOUNT_A, REGION_A, {});
    kit.world.faults.add({ kind: 'throttle', count: 2, match: { service: 'efs', operation: 'DescribeFileSystems' } });
    const efs = kit.efs(ACCOUNT_A, REGION_A, { maxAttempts: 3 });
    const out = await efs.send(new DescribeFileSystemsCommand({}));
    expect(out.$metadata.attempts).toBe(3);
    expect(kit.requests.map((r) => [r.operation, r.status, r.errorCode, r.attempt])).toEqual([
      ['DescribeFileSystems', 429, 'ThrottlingException', 1],
      ['DescribeFileSystems', 429, 'ThrottlingException', 2],
      ['DescribeFileSystems', 200, undefined, 3],
    ]);
    // Other operations were never affected, and the fault is spent.
    await kit.efs(ACCOUNT_A, REGION_A).send(new DescribeFileSystemsCommand({}));
    expect(kit.world.faults.list()).toEqual([]);
  });

  it('surfaces throttling when retries run out, with the service-specific code (STS: Throttling)', async () => {
    const kit = makeCoreKit();
    kit.world.faults.add({ kind: 'throttle', match: { service: 'sts' } });
    const error = await errorOf(kit.sts(BASE_CREDENTIALS, REGION_A, { maxAttempts: 2 }).send(new GetCallerIdentityCommand({})));
    expect(error.name).toBe('Throttling');
    expect(error.$metadata?.attempts).toBe(2);
  });

  it('injects 5xx at a seeded rate: retried as transient, the same way on every run', async () => {
    const outcomes = async () => {
      const kit = makeCoreKit();
      kit.world.faults.add({ kind: 'server-error', rate: 0.5, status: 503, match: { service: 'efs' } });
      const efs = kit.efs(ACCOUNT_A, REGION_A, { maxAttempts: 1 });
      const results: string[] = [];
      for (let i = 0; i < 20; i++) results.push(await efs.send(new DescribeFileSystemsCommand({})).then(() => 'ok', (e: Error) => e.name));
      return results;
    };
    const first = await outcomes();
    expect(first).toEqual(await outcomes());
    expect(first).toContain('ok');
    expect(first).toContain('InternalServerError');

    const kit = makeCoreKit();
    kit.world.faults.add({ kind: 'server-error', status: 500, match: { attempt: 1 } });
    const out = await kit.efs(ACCOUNT_A, REGION_A, { maxAttempts: 3 }).send(new DescribeFileSystemsCommand({}));
    expect(out.$metadata.attempts).toBe(2);
  });

  it('denies a named operation with AccessDenied, which the SDK does not retry', async () => {
    const kit = makeCoreKit();
    createFileSystem(kit.world, ACCOUNT_A, REGION_A, {});
    kit.world.faults.add({ kind: 'access-denied', match: { operation: 'DescribeReplicationConfigurations' } });
    const efs = kit.efs(ACCOUNT_A, REGION_A, { maxAttempts: 3 });
    const error = await errorOf(efs.send(new DescribeReplicationConfigurationsCommand({})));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.$metadata?.attempts).toBe(1);
    expect(error.message).toContain('DescribeReplicationConfigurations');
    expect((await efs.send(new DescribeFileSystemsCommand({}))).FileSystems).toHaveLength(1);
  });

  it('adds latency on the world clock', async () => {
    const kit = makeCoreKit();
    kit.world.faults.add({ kind: 'latency', ms: 1500, match: { region: REGION_B } });
    const before = kit.clock.now();
    await kit.efs(ACCOUNT_A, REGION_A).send(new DescribeFileSystemsCommand({}));
    expect(kit.clock.now()).toBe(before);
    await kit.efs(ACCOUNT_A, REGION_B).send(new DescribeFileSystemsCommand({}));
    expect(kit.clock.now()).toBe(before + 1500);
  });

  it('makes a region that is down refuse connections (ECONNREFUSED), other regions unaffected', async () => {
    const kit = makeCoreKit();
    kit.world.faults.setRegionDown(REGION_A);
    const error = await errorOf(kit.efs(ACCOUNT_A, REGION_A).send(new DescribeFileSystemsCommand({})));
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
    expect(error.message).toContain(REGION_A);
    expect((await kit.efs(ACCOUNT_A, REGION_B).send(new DescribeFileSystemsCommand({}))).FileSystems).toEqual([]);
    expect(kit.requests[0]?.status).toBe('connection-refused');
  });
});

describe('sandbox NotImplemented', () => {
  it('answers a protocol-correct 501 naming the operation, never an empty 200, and is not retried', async () => {
    const kit = makeCoreKit();
    const error = await errorOf(kit.efs(ACCOUNT_A, REGION_A, { maxAttempts: 3 }).send(new CreateFileSystemCommand({ CreationToken: 'x' })));
    expect(error.name).toBe('NotImplemented');
    expect(error.$metadata?.httpStatusCode).toBe(501);
    expect(error.$metadata?.attempts).toBe(1);
    expect(error.message).toContain('efs:CreateFileSystem');
  });
});
