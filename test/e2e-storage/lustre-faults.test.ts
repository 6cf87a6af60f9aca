/**
 * runbooks/lustre-s3.yaml against a misbehaving sandbox: an association stuck in CREATING, a primary association
 * MISCONFIGURED at failback, replicas that do not trigger auto-import. Each ends with a message naming the
 * resource, what was seen and what to do — and a re-run that picks up without duplicating anything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FSX_CONDITIONS } from '../../src/sandbox/services/fsx/index.js';
import { openSandboxRun } from '../helpers/sandbox-run.js';
import type { SandboxRun } from '../helpers/sandbox-run.js';
import { PRIMARY, RESOURCE, RUNBOOK, countOf, drFileSystems, lustreFiles, writeOnLustre } from './lustre-expect.js';

let h: SandboxRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const failureOf = (events: Array<{ type: string }>) => events.find((e) => e.type === 'step.failed') as { key: string; error: { code: string; message: string; hint?: string } } | undefined;

describe('lustre-prod with faults', () => {
  it('reports an association stuck in CREATING past its timeout, then resumes the wait without a second one', async () => {
    h = await openSandboxRun({ runbookFile: RUNBOOK, scenario: { settings: { 'fsx.associationCreate': '3h' } } });
    const first = await h.run('failover');
    expect(first.outcome.exitCode).toBe(1);
    const failure = failureOf(first.events);
    expect(failure?.key).toBe(`${RESOURCE}/dr-associations`);
    expect(failure?.error.code).toBe('wait-timeout');
    expect(failure?.error.message).toMatch(/association dra-\w+ \(\/data ↔ s3:\/\/lustre-dr-us-west-2\/data\/\) on fs-\w+ in dr \(222222222222\) us-west-2 is CREATING for \d+m/);
    expect(failure?.error.message).toContain('AWSServiceRoleForFSxS3Access_');
    expect(failure?.error.hint).toContain('Re-run the same command to keep waiting');

    h.clock.advance(3 * 60 * 60_000);
    const second = await h.run('failover');
    expect(second.outcome.exitCode).toBe(0);
    expect(second.outcome.resumed).toBe(true);
    expect(countOf(h, 'CreateDataRepositoryAssociation')).toBe(1);
    expect(countOf(h, 'CreateFileSystem')).toBe(1);
  });

  it('refuses a primary association that stays MISCONFIGURED, and repairs it once the cause is fixed', async () => {
    h = await openSandboxRun({ runbookFile: RUNBOOK });
    expect((await h.run('failover')).outcome.exitCode).toBe(0);
    const fault = h.world.faults.add({ kind: 'condition', name: FSX_CONDITIONS.associationMisconfigured, resourceId: PRIMARY.bucket });
    const refused = await h.run('failback');
    expect(refused.outcome.exitCode).toBe(3);
    const failure = failureOf(refused.events);
    expect(failure?.key).toBe(`${RESOURCE}/primary-associations`);
    expect(failure?.error.message).toContain(`on ${PRIMARY.fileSystemId} in prod (111111111111) us-east-1 stays MISCONFIGURED`);
    expect(failure?.error.hint).toContain('"FSx" event notification');

    h.world.faults.remove(fault);
    const repaired = await h.run('failback');
    expect(repaired.outcome.exitCode).toBe(0);
    // One nudge per attempt: the refused one and the one after the fix.
    expect(countOf(h, 'UpdateDataRepositoryAssociation')).toBe(2);
  });

  it('still brings replicated files into the DR file system when replicas do not trigger auto-import', async () => {
    h = await openSandboxRun({ runbookFile: RUNBOOK });
    h.world.faults.add({ kind: 'condition', name: FSX_CONDITIONS.autoImportIgnoresReplicas });
    writeOnLustre(h.world, 'primary', '/data/late.txt', 'exported at failover');
    expect((await h.run('failover')).outcome.exitCode).toBe(0);
    expect(drFileSystems(h.world)).toHaveLength(1);
    expect(lustreFiles(h.world, 'secondary')).toContain('/data/late.txt=exported at failover');
  });
});
