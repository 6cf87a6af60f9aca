/**
 * Waits longer than an assumed-role session: drctl assumes each role for an hour, and a failback that waits for
 * slow syncs runs for hours. The run must renew the sessions as they run out and finish, never failing with an
 * expired token. (Virtual time: the harness shows SDK clients credential expiry on the FakeClock.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSandboxRun } from '../helpers/sandbox-run.js';
import type { SandboxRun } from '../helpers/sandbox-run.js';
import { SECONDARY, expectProtected } from './efs-expect.js';

const HOUR = 3_600_000;

let h: SandboxRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a failback longer than the role sessions', () => {
  it('renews the assumed roles while it waits and completes', async () => {
    // Each new replication needs 70 minutes for its first sync: the failback waits for two of them.
    h = await openSandboxRun({ scenario: { settings: { 'efs.initialSync': '70m' } } });
    expect((await h.run('failover')).outcome.exitCode).toBe(0);
    const started = h.clock.now();
    // Production poll intervals: fewer polls over the hours of virtual time.
    const failback = await h.run('failback', { flags: { pollScale: 1 } });
    expect(failback.outcome.exitCode).toBe(0);
    expect(h.clock.now() - started).toBeGreaterThan(2 * HOUR);

    const assumed = failback.requests.filter((r) => r.operation === 'AssumeRole' && r.region === SECONDARY.region);
    expect(assumed.length).toBeGreaterThanOrEqual(3);
    expect(failback.requests.filter((r) => r.errorCode?.startsWith('ExpiredToken'))).toEqual([]);
    await expectProtected(h);
  });
});
