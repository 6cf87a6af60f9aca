/**
 * How the engine's retries behave over a whole run, shown with real SDK retries against the sandbox: a resumed
 * step gets its retry budget back, and a long wait is not ended by transient failures that are far apart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSandboxRun } from '../helpers/sandbox-run.js';
import type { SandboxRun } from '../helpers/sandbox-run.js';
import type { RunEvent } from '../../src/engine/events.js';
import { FAILOVER_MUTATIONS, RESOURCE, SECONDARY, expectFailedOver, mutationsOf } from './efs-expect.js';

/** SDK attempts per call (the harness keeps the CLI's 3): a fault this long makes one call fail for good. */
const SDK_ATTEMPTS = 3;

let h: SandboxRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('engine retries over a run', () => {
  it('a resumed step is retried again after a transient failure (the budget is per run, not per step ever)', async () => {
    h = await openSandboxRun();
    const mountTargets = { service: 'efs', operation: 'DescribeMountTargets' } as const;
    // Enough throttling for every engine attempt of the preflight to run out of SDK attempts.
    h.world.faults.add({ kind: 'throttle', count: SDK_ATTEMPTS * 3, match: mountTargets });
    const first = await h.run('failover');
    expect(first.outcome.exitCode).toBe(1);
    expect(first.outcome.failures[0]?.key).toBe(`${RESOURCE}/preflight`);
    expect(first.outcome.checkpoint?.steps.find((s) => s.id === 'preflight')?.attempts).toBe(3);

    // The operator re-runs while AWS still throttles a little: one more failed call, which a retry absorbs.
    h.world.faults.add({ kind: 'throttle', count: SDK_ATTEMPTS, match: mountTargets });
    const second = await h.run('failover');
    expect(second.outcome.resumed).toBe(true);
    expect(second.events.filter((e) => e.type === 'step.retrying' && e.key === `${RESOURCE}/preflight`)).toHaveLength(1);
    expect(second.outcome.exitCode).toBe(0);
    expect(mutationsOf(h)).toEqual(FAILOVER_MUTATIONS);
  });

  it('a wait survives transient failures of polls that are separated by successful ones', async () => {
    // A slow deletion: the promote step polls for 20 s of virtual time.
    h = await openSandboxRun({ scenario: { settings: { 'efs.deleting': '20s' } } });
    const run = h;
    const failingPolls = 3;
    let injected = 0;
    let lastFailed = false;
    const injectOnePollFailure = () => {
      injected += 1;
      run.world.faults.add({ kind: 'throttle', count: SDK_ATTEMPTS, match: { service: 'efs', operation: 'DescribeFileSystems', region: SECONDARY.region } });
    };
    const onEvent = (e: RunEvent) => {
      if (e.type === 'step.waiting' && e.key === `${RESOURCE}/promote` && injected === 0) injectOnePollFailure();
      if (e.type !== 'aws.call' || e.key !== `${RESOURCE}/promote` || e.operation !== 'DescribeFileSystems') return;
      if (e.outcome === 'error') lastFailed = true;
      else if (lastFailed) {
        // A successful poll after a failed one: fail one more later poll.
        lastFailed = false;
        if (injected < failingPolls) injectOnePollFailure();
      }
    };
    const failover = await h.run('failover', { onEvent });
    const failedPolls = failover.events.filter((e) => e.type === 'aws.call' && e.key === `${RESOURCE}/promote` && e.errorName === 'ThrottlingException');
    expect(failedPolls).toHaveLength(failingPolls);
    expect(failover.outcome.exitCode).toBe(0);
    expect(failover.events.filter((e) => e.type === 'step.retrying' && e.key === `${RESOURCE}/promote`)).toHaveLength(failingPolls);
    expect(mutationsOf(h)).toEqual(FAILOVER_MUTATIONS);
    await expectFailedOver(h);
  });
});
