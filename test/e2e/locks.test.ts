/**
 * Exit code 4: the runbook's lock is held by another run (named: user, host, pid, run id), or an unfinished run
 * does not match the runbook any more (stale checkpoint). Both cases say what to do; `drctl unlock --force` and
 * `--new-run` are the ways out, and both are exercised here.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkspace, describeResult, parseJsonLines } from '../helpers/spawn-drctl.js';
import type { Workspace } from '../helpers/spawn-drctl.js';
import { startSandboxServer } from './support/sandbox-server.js';

const workspaces: Workspace[] = [];
async function workspace(): Promise<Workspace> {
  const ws = await createWorkspace();
  workspaces.push(ws);
  return ws;
}
afterAll(async () => Promise.all(workspaces.map((ws) => ws.remove())));

/** The lock file as src/engine/lock.ts writes it: `<state dir>/locks/<runbook>.lock`, JSON naming the holder. */
async function writeLock(ws: Workspace, holder: { user: string; host: string; pid: number; runId: string }): Promise<string> {
  const file = ws.path('.drctl', 'locks', 'efs-prod.lock');
  await mkdir(ws.path('.drctl', 'locks'), { recursive: true });
  await writeFile(file, `${JSON.stringify({ ...holder, operation: 'failover', runbook: 'efs-prod', since: '2026-01-01T03:00:00.000Z' }, null, 2)}\n`);
  return file;
}

/** The pid of a process that has exited (so a lock naming it on this host is stale). */
async function deadPid(): Promise<number> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid ?? 999_999;
}

describe.concurrent('lock held and stale checkpoints (exit 4)', () => {
  it('a lock held by another run: exit 4 naming the holder; `unlock --force` releases it with a warning; then the run proceeds', async () => {
    const ws = await workspace();
    const lockFile = await writeLock(ws, { user: 'alice', host: 'ops-box-7', pid: 4242, runId: '20260101T030000Z-failover-abc123' });

    const blocked = await ws.run(['failover', '--fs', 'efs-prod', '--sandbox', '--yes']);
    expect(blocked.code, describeResult(blocked)).toBe(4);
    expect(blocked.stderr).toContain(
      'error [lock-held] runbook efs-prod is locked by alice@ops-box-7 (pid 4242), run 20260101T030000Z-failover-abc123 (failover), since 2026-01-01T03:00:00.000Z',
    );
    expect(blocked.stderr).toContain('Wait for that run to finish. If it is really gone, release the lock with `drctl unlock --fs efs-prod --force`.');
    expect(existsSync(lockFile)).toBe(true);

    const withoutForce = await ws.run(['unlock', '--fs', 'efs-prod']);
    expect(withoutForce.code, describeResult(withoutForce)).toBe(2);
    expect(withoutForce.stderr).toContain('hint: Make sure that run is really gone, then: drctl unlock --fs efs-prod --force');
    expect(existsSync(lockFile)).toBe(true);

    const unlocked = await ws.run(['unlock', '--fs', 'efs-prod', '--force']);
    expect(unlocked.code, describeResult(unlocked)).toBe(0);
    expect(unlocked.stderr).toContain('warning: released the lock on runbook efs-prod held by alice@ops-box-7 (pid 4242)');
    expect(unlocked.stderr).toContain('if that run is still alive, two runs may now act at once');
    expect(existsSync(lockFile)).toBe(false);

    const proceeds = await ws.run(['failover', '--fs', 'efs-prod', '--sandbox', '--yes']);
    expect(proceeds.code, describeResult(proceeds)).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  });

  it('a lock left by a process of this host that is gone: exit 4 calling it stale; unlock says the process is not running', async () => {
    const ws = await workspace();
    const pid = await deadPid();
    await writeLock(ws, { user: 'bob', host: hostname(), pid, runId: '20260101T030000Z-failover-def456' });
    const blocked = await ws.run(['failover', '--fs', 'efs-prod', '--sandbox', '--yes']);
    expect(blocked.code, describeResult(blocked)).toBe(4);
    expect(blocked.stderr).toContain(`locked by bob@${hostname()} (pid ${pid})`);
    expect(blocked.stderr).toContain('That process is no longer running: the lock is stale. Release it with `drctl unlock --fs efs-prod --force`, then re-run to resume.');
    const unlocked = await ws.run(['unlock', '--fs', 'efs-prod', '--force']);
    expect(unlocked.code, describeResult(unlocked)).toBe(0);
    expect(unlocked.stderr).toContain('(that process is not running)');
  });

  it('an interrupted run and a changed runbook: exit 4 with the --new-run hint; --new-run starts over and succeeds', async () => {
    const ws = await workspace();
    // A slow preflight call makes the interruption land before any change: the Ctrl-C arrives while it is in flight.
    await ws.writeText('slow-preflight.yaml', 'faults:\n  - { kind: latency, ms: 3000, match: { operation: DescribeMountTargets } }\n');
    const sandbox = await startSandboxServer(ws, ['--scenario', 'slow-preflight.yaml']);
    try {
      const args = ['failover', '--fs', 'efs-prod', '--sandbox-endpoint', sandbox.url, '--yes', '--output', 'json'];
      const first = ws.start(args);
      await first.waitForLine((line) => line.includes('"type":"step.started"'));
      first.kill('SIGINT');
      const interrupted = await first.exited;
      expect(interrupted.code, describeResult(interrupted)).toBe(130);
      expect(interrupted.stderr).toContain('Interrupted: finishing the AWS call in flight and saving the checkpoint');
      const runId = String(parseJsonLines(interrupted.stdout)[0]?.runId);
      expect(parseJsonLines(interrupted.stdout).filter((e) => e.type === 'step.applying')).toEqual([]);

      const runbook = await ws.readText('runbooks', 'efs-prod.yaml');
      await ws.writeText('runbooks/efs-prod.yaml', runbook.replace('rpo: 15m', 'rpo: 20m'));
      const stale = await ws.run(args.slice(0, -2));
      expect(stale.code, describeResult(stale)).toBe(4);
      expect(stale.stderr).toMatch(new RegExp(`error \\[stale-checkpoint\\] runbook runbooks/efs-prod.yaml changed since run ${runId} started \\(digest [0-9a-f]{12} → [0-9a-f]{12}\\)`));
      expect(stale.stderr).toContain('`drctl failover --fs efs-prod --new-run`');

      const fresh = await ws.run([...args, '--new-run']);
      expect(fresh.code, describeResult(fresh)).toBe(0);
      const events = parseJsonLines(fresh.stdout);
      expect(events[0]).toMatchObject({ type: 'run.started', resumed: false });
      expect(events[0]?.runId).not.toBe(runId);
      expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'succeeded' });

      const status = await ws.run(['status', '--output', 'json']);
      const statuses = status.stdout.trim().split('\n').map((line) => JSON.parse(line) as { runId: string; status: string });
      expect(statuses.find((r) => r.runId === runId)?.status).toBe('abandoned');
    } finally {
      const stopped = await sandbox.stop();
      expect(stopped.code, describeResult(stopped)).toBe(0);
    }
  });
});
