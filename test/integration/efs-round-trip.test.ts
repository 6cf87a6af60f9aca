/**
 * The engine running runbooks/efs-prod.yaml against the in-process sandbox: a full failover and preserving
 * failback, a discarding failback (refused without --force), and a dry run that changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSandboxRun } from '../helpers/sandbox-run.js';
import type { SandboxRun } from '../helpers/sandbox-run.js';
import {
  FAILBACK_PRESERVE_MUTATIONS,
  FAILOVER_MUTATIONS,
  PRIMARY,
  RESOURCE,
  SECONDARY,
  expectFailedOver,
  expectProtected,
  mutationsOf,
  readFile,
  settledState,
  writeFile,
} from './efs-expect.js';

let h: SandboxRun;
beforeEach(async () => {
  h = await openSandboxRun({ runbookFile: 'runbooks/efs-prod.yaml' });
});
afterEach(async () => h.close());

describe('EFS failover and failback in process', () => {
  it('fails over then fails back preserving DR writes, with exactly the expected mutations', async () => {
    const failover = await h.run('failover');
    expect(failover.outcome.exitCode).toBe(0);
    expect(mutationsOf(h)).toEqual(FAILOVER_MUTATIONS);
    await expectFailedOver(h);
    // The DR copy is now what clients use: a write there must reach the primary through the failback.
    writeFile(h, SECONDARY, '/app/written-during-outage.txt', 'order 42');

    const since = h.requests.length;
    const failback = await h.run('failback', { flags: { mode: 'preserve' } });
    expect(failback.outcome.exitCode).toBe(0);
    expect(failback.outcome.checkpoint?.steps.every((s) => s.status === 'done' || s.status === 'skipped')).toBe(true);
    expect(mutationsOf(h, since)).toEqual(FAILBACK_PRESERVE_MUTATIONS);

    await expectProtected(h);
    expect(readFile(h, PRIMARY, '/app/written-during-outage.txt')).toBe('order 42');
    const counts = h.mutatingRequests().reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.operation ?? '?']: (acc[r.operation ?? '?'] ?? 0) + 1 }), {});
    expect(counts).toEqual({ DeleteReplicationConfiguration: 2, UpdateFileSystemProtection: 2, CreateReplicationConfiguration: 2 });
  });

  it('records the failover in the resource memory and the run in its journal', async () => {
    const failover = await h.run('failover');
    const memory = await h.memory(RESOURCE);
    expect(memory.lastFailoverRunId).toBe(failover.outcome.runId);
    expect(memory.primaryUnavailableAtFailover).toBe(false);
    expect(memory.orphan).toBeUndefined();
    const journal = await h.journal(failover.outcome.runId);
    const mutatingCalls = journal.filter((e) => e.type === 'aws.call' && e.operation === 'DeleteReplicationConfiguration');
    expect(mutatingCalls).toEqual([expect.objectContaining({ key: `${RESOURCE}/promote`, account: 'dr', region: SECONDARY.region, outcome: 'ok' })]);
    expect(journal.at(-1)).toMatchObject({ type: 'run.finished', status: 'succeeded', exitCode: 0 });
  });
});

describe('EFS failback discarding the DR changes', () => {
  it('is refused without --force (exit 3, nothing changed), then overwrites the DR copy with --force', async () => {
    expect((await h.run('failover')).outcome.exitCode).toBe(0);
    writeFile(h, SECONDARY, '/app/dr-only.txt', 'will be discarded');
    const failedOver = await settledState(h);

    const since = h.requests.length;
    const refused = await h.run('failback', { flags: { mode: 'discard' } });
    expect(refused.outcome.exitCode).toBe(3);
    expect(refused.outcome.status).toBe('refused');
    const failure = refused.outcome.failures[0]?.error;
    expect(failure?.message).toContain(`${RESOURCE}/reprotect`);
    expect(failure?.message).toContain('would overwrite it');
    expect(failure?.hint).toContain('--force');
    expect(failure?.hint).toContain('--mode preserve');
    expect(mutationsOf(h, since)).toEqual([]);
    expect(await settledState(h)).toEqual(failedOver);

    const forced = await h.run('failback', { flags: { mode: 'discard', force: true } });
    expect(forced.outcome.exitCode).toBe(0);
    expect(forced.outcome.resumed).toBe(true);
    expect(forced.outcome.runId).toBe(refused.outcome.runId);
    expect(mutationsOf(h, since)).toEqual([
      `UpdateFileSystemProtection ${SECONDARY.accountId}/${SECONDARY.region} ${SECONDARY.fileSystemId} DISABLED`,
      `CreateReplicationConfiguration ${PRIMARY.accountId}/${PRIMARY.region} ${PRIMARY.fileSystemId} → ${SECONDARY.fileSystemId}`,
    ]);
    await expectProtected(h);
    expect(readFile(h, SECONDARY, '/app/dr-only.txt')).toBeUndefined();
    expect(readFile(h, PRIMARY, '/app/dr-only.txt')).toBeUndefined();
  });
});

describe('EFS dry run', () => {
  it('sends only reads (and STS) and changes nothing in the world', async () => {
    const before = JSON.stringify(h.world.data.services);
    const planned = await h.run('failover', { flags: { dryRun: true } });
    expect(planned.outcome.exitCode).toBe(0);
    expect(planned.outcome.status).toBe('planned');
    expect(planned.requests.length).toBeGreaterThan(0);
    expect(planned.requests.filter((r) => r.mutating)).toEqual([]);
    const operations = new Set(planned.requests.map((r) => `${r.service} ${r.operation}`));
    expect([...operations].sort()).toEqual([
      'efs DescribeFileSystems',
      'efs DescribeMountTargets',
      'efs DescribeReplicationConfigurations',
      'sts AssumeRole',
      'sts GetCallerIdentity',
    ]);
    expect(JSON.stringify(h.world.data.services)).toBe(before);
    // The plan shows the delete it would send.
    const promote = planned.events.find((e) => e.type === 'step.planned' && e.key === `${RESOURCE}/promote`);
    expect(promote).toMatchObject({ state: 'apply', calls: [expect.objectContaining({ operation: 'DeleteReplicationConfiguration' })] });
    await expectProtected(h);
  });
});
