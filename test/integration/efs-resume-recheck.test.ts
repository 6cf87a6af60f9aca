/**
 * A resumed failover checks its preflight again: a run that passed the lag check, then waited at its confirmation
 * while replication fell behind, must not promote on the old measurement.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSandboxRun } from '../helpers/sandbox-run.js';
import type { SandboxRun } from '../helpers/sandbox-run.js';
import { RESOURCE } from './efs-expect.js';

let h: SandboxRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('resuming a failover', () => {
  it('re-checks the preflight: lag that grew beyond the RPO while the run waited refuses (exit 3), nothing mutated', async () => {
    h = await openSandboxRun();
    const declined = await h.run('failover', { flags: { yes: false } });
    expect(declined.outcome.exitCode).toBe(5);
    expect(declined.outcome.checkpoint?.steps.find((s) => s.id === 'preflight')?.status).toBe('skipped');

    // Replication stalls (no sync for an hour) while the run waits 20 minutes at its confirmation.
    h.world.setDuration('efs.syncInterval', 3_600_000);
    h.clock.advance(20 * 60_000);
    const resumed = await h.run('failover', { flags: { yes: false, approve: ['confirm'] } });
    expect(resumed.outcome.resumed).toBe(true);
    expect(resumed.outcome.exitCode).toBe(3);
    expect(resumed.outcome.failures[0]?.error.message).toMatch(new RegExp(`${RESOURCE}/preflight \\(checked again on resume\\): replication lag (19m5\\ds|20m\\S*) exceeds the RPO of 15m`));
    expect(h.mutatingRequests()).toEqual([]);
  });

  it('reports the steps finished in the earlier session, so every step has an event in this one', async () => {
    h = await openSandboxRun();
    await h.run('failover', { flags: { yes: false } });
    const resumed = await h.run('failover', { flags: { yes: false, approve: ['confirm'] } });
    expect(resumed.outcome.exitCode).toBe(0);
    const done = resumed.events.flatMap((e) => (e.type === 'step.done' ? [e] : []));
    expect(done.map((e) => e.key)).toEqual([`${RESOURCE}/preflight`, `${RESOURCE}/confirm`, `${RESOURCE}/promote`]);
    expect(done[0]?.reason).toMatch(/^checked again on resume: replication .* ENABLED, lag /);
  });
});
