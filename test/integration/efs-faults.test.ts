/**
 * Unfriendly sandboxes: throttling, replication lag beyond the RPO, credentials for the wrong account.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSandboxRun } from '../helpers/sandbox-run.js';
import type { SandboxRun } from '../helpers/sandbox-run.js';
import type { RunEvent } from '../../src/engine/events.js';
import { FAILBACK_PRESERVE_MUTATIONS, FAILOVER_MUTATIONS, RESOURCE, SECONDARY, expectFailedOver, expectProtected, mutationsOf } from './efs-expect.js';

let h: SandboxRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Throttled attempts an aws.call journal record stands for: every attempt but a last one that got an answer. */
function throttledAttempts(event: RunEvent): number {
  if (event.type !== 'aws.call') return 0;
  const attempts = event.attempts ?? 1;
  return event.errorName === 'ThrottlingException' ? attempts : attempts - 1;
}

describe('throttling', () => {
  it('a third of EFS calls throttled: failover and failback still succeed, and the journals show every throttled attempt', async () => {
    // The world's seeded PRNG (default seed) picks the throttled calls, so the sequence is the same on every run.
    h = await openSandboxRun({ scenario: { faults: [{ kind: 'throttle', rate: 1 / 3, match: { service: 'efs' } }] } });
    const failover = await h.run('failover');
    expect(failover.outcome.exitCode).toBe(0);
    const failback = await h.run('failback');
    expect(failback.outcome.exitCode).toBe(0);

    // Retries never repeat a mutation that went through.
    expect(mutationsOf(h)).toEqual([...FAILOVER_MUTATIONS, ...FAILBACK_PRESERVE_MUTATIONS]);

    const throttled = h.requests.filter((r) => r.errorCode === 'ThrottlingException');
    expect(throttled.length).toBeGreaterThan(h.requests.length / 5);
    const journal = [...(await h.journal(failover.outcome.runId)), ...(await h.journal(failback.outcome.runId))];
    const journaled = journal.reduce((sum, event) => sum + throttledAttempts(event), 0);
    expect(journaled).toBe(throttled.length);
    // Some calls ran out of SDK attempts: the engine retried those steps.
    const engineRetries = journal.filter((e) => e.type === 'step.retrying' && e.error.awsErrorName === 'ThrottlingException');
    expect(engineRetries.length).toBeGreaterThan(0);

    // The harness reads the final state through the sandbox too: without the fault, so the read cannot fail.
    h.world.faults.clear();
    await expectProtected(h);
  });
});

describe('replication lag beyond the RPO', () => {
  it('refuses the failover (exit 3) naming the lag and the RPO, and proceeds with --force', async () => {
    // Every sync carries only changes older than 20 minutes: LastReplicatedTimestamp is always 20m behind.
    h = await openSandboxRun({ scenario: { settings: { 'efs.syncLag': '20m' } } });
    const refused = await h.run('failover');
    expect(refused.outcome.exitCode).toBe(3);
    const failure = refused.outcome.failures[0];
    expect(failure?.key).toBe(`${RESOURCE}/preflight`);
    expect(failure?.error.message).toMatch(/replication lag 20m\S* exceeds the RPO of 15m/);
    expect(failure?.error.hint).toContain('--force');
    expect(h.mutatingRequests()).toEqual([]);

    const forced = await h.run('failover', { flags: { force: true } });
    expect(forced.outcome.exitCode).toBe(0);
    expect(mutationsOf(h)).toEqual(FAILOVER_MUTATIONS);
    await expectFailedOver(h);
    const preflight = forced.outcome.checkpoint?.steps.find((s) => s.id === 'preflight');
    expect(preflight?.outputs).toMatchObject({ rpoSeconds: 900 });
    expect(Number(preflight?.outputs.lagSeconds)).toBeGreaterThanOrEqual(20 * 60);
    expect(preflight?.reason).toContain('accepted with --force');
  });
});

describe('credentials of the wrong account', () => {
  it('refuses before any mutating call (exit 3) and names both account ids', async () => {
    h = await openSandboxRun();
    // The runbook says the DR account is 333333333333, but its role lives in 222222222222 (as the sandbox knows it).
    const runbook = structuredClone(h.runbook);
    const dr = runbook.accounts['dr'];
    if (!dr) throw new Error('runbooks/efs-prod.yaml has no dr account');
    dr.id = '333333333333';

    const refused = await h.run('failover', { runbook });
    expect(refused.outcome.exitCode).toBe(3);
    expect(refused.outcome.status).toBe('refused');
    const error = refused.outcome.failures[0]?.error;
    expect(error?.code).toBe('wrong-account');
    expect(error?.message).toContain('333333333333');
    expect(error?.message).toContain(SECONDARY.accountId);
    expect(error?.hint).toContain('accounts.dr.roleArn');
    expect(refused.requests.length).toBeGreaterThan(0);
    expect(refused.requests.filter((r) => r.mutating)).toEqual([]);
    // Identity is checked before any step runs: no EFS request at all.
    expect(refused.requests.every((r) => r.service === 'sts')).toBe(true);
    expect(refused.events.some((e) => e.type === 'step.started')).toBe(false);
  });
});
