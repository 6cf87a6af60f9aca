/**
 * The primary region is down (sandbox fault: every request signed for us-east-1 is refused at the connection).
 * With --primary-unavailable the failover acts on the DR side only and leaves an orphaned configuration on the
 * primary, which the failback removes once the region is back; without the flag the run stops and says what to do.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSandboxRun } from '../helpers/sandbox-run.js';
import type { SandboxRun } from '../helpers/sandbox-run.js';
import {
  FAILBACK_PRESERVE_MUTATIONS,
  PRIMARY,
  RESOURCE,
  SECONDARY,
  efsRecords,
  expectFailedOver,
  expectProtected,
  mutationsOf,
  readFile,
  writeFile,
} from './efs-expect.js';

let h: SandboxRun;
beforeEach(async () => {
  h = await openSandboxRun();
});
afterEach(async () => h.close());

const ORPHAN_REMOVAL = `DeleteReplicationConfiguration ${PRIMARY.accountId}/${PRIMARY.region} ${PRIMARY.fileSystemId} LOCAL_CONFIGURATION_ONLY`;

describe('failover while the primary region is down', () => {
  it('with --primary-unavailable: DR-side calls only, DR writable, orphan remembered; failback removes it and needs --force', async () => {
    h.world.faults.setRegionDown(PRIMARY.region);
    const failover = await h.run('failover', { flags: { primaryUnavailable: true } });
    expect(failover.outcome.exitCode).toBe(0);

    // Nothing was even attempted in the primary region.
    expect(failover.requests.length).toBeGreaterThan(0);
    expect(failover.requests.filter((r) => r.region !== SECONDARY.region)).toEqual([]);
    expect(mutationsOf(h)).toEqual([
      `DeleteReplicationConfiguration ${SECONDARY.accountId}/${SECONDARY.region} ${PRIMARY.fileSystemId} ALL_CONFIGURATIONS`,
      `DeleteReplicationConfiguration ${SECONDARY.accountId}/${SECONDARY.region} ${PRIMARY.fileSystemId} LOCAL_CONFIGURATION_ONLY`,
    ]);
    await expectFailedOver(h);
    writeFile(h, SECONDARY, '/app/after-failover.txt', 'written on DR');

    const memory = await h.memory(RESOURCE);
    expect(memory.orphan).toEqual({ account: 'prod', region: PRIMARY.region, sourceFileSystemId: PRIMARY.fileSystemId, recordedAt: expect.any(String) });
    expect(memory.primaryUnavailableAtFailover).toBe(true);
    // The primary's region never heard of the deletion: it still holds its record of the configuration.
    expect(efsRecords(h, RESOURCE, 'primary')).toEqual([{ sourceId: PRIMARY.fileSystemId, destinationId: SECONDARY.fileSystemId, status: 'ENABLED' }]);
    // Clients of the primary kept writing until the region went away completely: the DR side never got this.
    writeFile(h, PRIMARY, '/app/unreplicated.txt', 'only on the primary');

    h.world.faults.setRegionDown(PRIMARY.region, false);
    const since = h.requests.length;
    const refused = await h.run('failback');
    expect(refused.outcome.exitCode).toBe(3);
    const failure = refused.outcome.failures[0];
    expect(failure?.key).toBe(`${RESOURCE}/replicate-back`);
    expect(failure?.error.message).toContain('the last failover ran while the primary was unavailable');
    expect(failure?.error.hint).toContain('--force');
    // The orphan is gone (removed on the primary side only), and nothing overwrote the primary.
    expect(mutationsOf(h, since)).toEqual([ORPHAN_REMOVAL]);
    expect(refused.outcome.checkpoint?.steps.find((s) => s.id === 'remove-orphan')?.outputs).toMatchObject({ orphanRemoved: true });
    expect(efsRecords(h, RESOURCE, 'primary')).toEqual([]);
    expect((await h.memory(RESOURCE)).orphan).toBeUndefined();
    expect(readFile(h, PRIMARY, '/app/unreplicated.txt')).toBe('only on the primary');

    const forced = await h.run('failback', { flags: { force: true } });
    expect(forced.outcome.exitCode).toBe(0);
    expect(forced.outcome.resumed).toBe(true);
    expect(mutationsOf(h, since)).toEqual([ORPHAN_REMOVAL, ...FAILBACK_PRESERVE_MUTATIONS]);
    await expectProtected(h);
    // The DR copy won: its write is on the primary, the primary's unreplicated write was overwritten.
    expect(readFile(h, PRIMARY, '/app/after-failover.txt')).toBe('written on DR');
    expect(readFile(h, PRIMARY, '/app/unreplicated.txt')).toBeUndefined();
  });

  it('without --primary-unavailable: the run stops before any change and says to use --primary-unavailable', async () => {
    h.world.faults.setRegionDown(PRIMARY.region);
    const failover = await h.run('failover');
    expect(failover.outcome.exitCode).toBe(1);
    expect(failover.outcome.status).toBe('failed');
    const error = failover.outcome.failures[0]?.error;
    expect(`${error?.message} ${error?.hint}`).toContain(PRIMARY.region);
    expect(error?.hint).toContain('--primary-unavailable');
    expect(failover.requests.some((r) => r.status === 'connection-refused')).toBe(true);
    expect(h.mutatingRequests()).toEqual([]);
    const finished = failover.events.at(-1);
    expect(finished).toMatchObject({ type: 'run.finished', status: 'failed', exitCode: 1 });
    // The operator follows the hint: the same failover with the flag goes through.
    const retried = await h.run('failover', { flags: { primaryUnavailable: true } });
    expect(retried.outcome.exitCode).toBe(0);
    expect(retried.outcome.resumed).toBe(true);
    await expectFailedOver(h);
  });
});
