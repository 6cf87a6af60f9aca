/**
 * Exit code 3: a preflight or safety check refuses, and says why and what to do. And `drill --dry-run`, the
 * readiness check, which is 0 on a healthy world and 3 when a failover would be refused. Each world is its own
 * workspace; the worlds are independent and run concurrently.
 */
import { writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkspace, describeResult } from '../helpers/spawn-drctl.js';
import type { Workspace } from '../helpers/spawn-drctl.js';
import { startSandboxServer } from './support/sandbox-server.js';

const workspaces: Workspace[] = [];
async function workspace(): Promise<Workspace> {
  const ws = await createWorkspace();
  workspaces.push(ws);
  return ws;
}
afterAll(async () => Promise.all(workspaces.map((ws) => ws.remove())));

describe.concurrent('refusals (exit 3) and drill readiness', () => {
  it('after a failover: a discard failback without --force refuses, then drill --dry-run says not ready', async () => {
    const ws = await workspace();
    const failover = await ws.run(['failover', '--fs', 'efs-prod', '--sandbox', '--yes']);
    expect(failover.code, describeResult(failover)).toBe(0);

    const discard = await ws.run(['failback', '--fs', 'efs-prod', '--sandbox', '--yes', '--mode', 'discard']);
    expect(discard.code, describeResult(discard)).toBe(3);
    expect(discard.stdout).toMatch(/efs-prod\/reprotect +failed .*step-refused: .*replicating into fs-0fedcba9876543210 \(secondary: account dr 222222222222, us-west-2\) would overwrite it/);
    expect(discard.stdout).toContain('may hold changes that were never replicated back to the primary');
    expect(discard.stdout).toContain('To keep the DR changes, run `drctl failback --fs efs-prod --mode preserve`. To discard them, re-run with --force.');
    expect(discard.stdout).toMatch(/run \S+-failback-\S+ +refused +exit 3/);

    const readiness = await ws.run(['drill', '--fs', 'efs-prod', '--sandbox', '--dry-run']);
    expect(readiness.code, describeResult(readiness)).toBe(3);
    // Every failover check passes (the DR side is writable) but nothing would change: not ready for a drill.
    expect(readiness.stdout).toContain('efs-prod is already failed over');
    expect(readiness.stdout).toContain('the resources are already failed over (run failback first)');
    expect(readiness.stderr).toMatch(/Drill \S+-drill-readiness-\S+ refused: 0\/1 checks passed/);
    expect(readiness.stderr).toContain('failed: ready for failover');
  });

  it('drill --dry-run on a healthy world: ready, exit 0, nothing changed', async () => {
    const ws = await workspace();
    const readiness = await ws.run(['drill', '--fs', 'efs-prod', '--sandbox', '--dry-run']);
    expect(readiness.code, describeResult(readiness)).toBe(0);
    expect(readiness.stderr).toMatch(/Drill \S+-drill-readiness-\S+ succeeded: 1\/1 checks passed/);
    expect(readiness.stdout).toMatch(/efs-prod\/preflight +already-done .*ENABLED, lag \S+ within RPO 15m/);
    expect(readiness.stdout).toMatch(/efs-prod\/promote +(would-act|after)/);
    // Still ready afterwards: the dry run changed nothing.
    const again = await ws.run(['drill', '--fs', 'efs-prod', '--sandbox', '--dry-run']);
    expect(again.code, describeResult(again)).toBe(0);
  });

  it('drill --dry-run against `drctl sandbox --scenario` with replication lag beyond the RPO: not ready, the lag named', async () => {
    const ws = await workspace();
    await writeFile(ws.path('lagging.yaml'), '# every sync carries changes 40 minutes old\nsettings:\n  efs.syncLag: 40m\n');
    const sandbox = await startSandboxServer(ws, ['--scenario', 'lagging.yaml']);
    try {
      const readiness = await ws.run(['drill', '--fs', 'efs-prod', '--sandbox-endpoint', sandbox.url, '--dry-run']);
      expect(readiness.code, describeResult(readiness)).toBe(3);
      expect(readiness.stdout).toMatch(/efs-prod\/preflight +would-refuse .*replication lag 40m\d*s? exceeds the RPO of 15m/);
      expect(readiness.stdout).toContain('accept the loss with --force');
      expect(readiness.stderr).toContain('failed: ready for failover');
    } finally {
      const stopped = await sandbox.stop();
      expect(stopped.code, describeResult(stopped)).toBe(0);
    }
  });
});
