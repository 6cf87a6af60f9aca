/**
 * Ctrl-C at any point, then the same command again: the run resumes, ends where an uninterrupted run ends, and
 * never sends the same mutation twice (same service, operation, account, region and parameters).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSandboxRun, requestSignature } from '../helpers/sandbox-run.js';
import type { RunResult, SandboxRun } from '../helpers/sandbox-run.js';
import type { RunEvent } from '../../src/engine/events.js';
import {
  FAILBACK_PRESERVE_MUTATIONS,
  FAILBACK_PRESERVE_STEPS,
  FAILOVER_MUTATIONS,
  FAILOVER_STEPS,
  PRIMARY,
  RESOURCE,
  SECONDARY,
  mutationsOf,
  readFile,
  settledState,
  writeFile,
} from './efs-expect.js';

type Operation = 'failover' | 'failback';

/** The state an uninterrupted failover, and an uninterrupted failover + failback, leave behind. */
const reference: Partial<Record<Operation, unknown>> = {};

let h: SandboxRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

beforeAll(async () => {
  const run = await openSandboxRun();
  try {
    expect((await run.run('failover')).outcome.exitCode).toBe(0);
    reference.failover = await settledState(run);
    expect((await run.run('failback')).outcome.exitCode).toBe(0);
    reference.failback = await settledState(run);
  } finally {
    await run.close();
  }
});

const stepDone = (stepId: string) => (e: RunEvent) => e.type === 'step.done' && e.key === `${RESOURCE}/${stepId}`;
const stepWaiting = (stepId: string) => (e: RunEvent) => e.type === 'step.waiting' && e.key === `${RESOURCE}/${stepId}`;

/** Runs `operation` interrupted at the first event `abortWhen` accepts, then once more; returns both runs. */
async function interruptAndResume(run: SandboxRun, operation: Operation, abortWhen: (e: RunEvent) => boolean, lastStep: boolean): Promise<[RunResult, RunResult | undefined]> {
  const first = await run.run(operation, { abortWhen });
  if (lastStep) {
    // Ctrl-C after the last step changes nothing: the run has finished.
    expect(first.outcome.exitCode).toBe(0);
    return [first, undefined];
  }
  expect(first.outcome.exitCode).toBe(130);
  expect(first.outcome.checkpoint?.status).toBe('interrupted');
  const second = await run.run(operation);
  expect(second.outcome.exitCode).toBe(0);
  expect(second.outcome.resumed).toBe(true);
  expect(second.outcome.runId).toBe(first.outcome.runId);
  return [first, second];
}

function expectNoMutationTwice(run: SandboxRun, since: number): void {
  const signatures = run.mutatingRequests(since).map(requestSignature);
  expect(new Set(signatures).size).toBe(signatures.length);
}

const failoverCases = FAILOVER_STEPS.map((step, i) => ({ step, last: i === FAILOVER_STEPS.length - 1 }));
const failbackCases = FAILBACK_PRESERVE_STEPS.map((step, i) => ({ step, last: i === FAILBACK_PRESERVE_STEPS.length - 1 }));
/** Steps that wait for AWS after acting (or only wait). */
const failoverWaits = ['promote'];
const failbackWaits = ['replicate-back', 'wait-in-sync', 'promote-original', 'reprotect'];

describe('failover interrupted and resumed', () => {
  it.each(failoverCases)('after step $step is done', async ({ step, last }) => {
    h = await openSandboxRun();
    await interruptAndResume(h, 'failover', stepDone(step), last);
    expect(mutationsOf(h)).toEqual(FAILOVER_MUTATIONS);
    expectNoMutationTwice(h, 0);
    expect(await settledState(h)).toEqual(reference.failover);
  });

  it.each(failoverWaits)('while step %s is waiting', async (step) => {
    h = await openSandboxRun();
    const [first] = await interruptAndResume(h, 'failover', stepWaiting(step), false);
    expect(first.outcome.checkpoint?.steps.find((s) => s.id === step)?.applied.length).toBeGreaterThan(0);
    expect(mutationsOf(h)).toEqual(FAILOVER_MUTATIONS);
    expectNoMutationTwice(h, 0);
    expect(await settledState(h)).toEqual(reference.failover);
  });
});

describe('preserving failback interrupted and resumed', () => {
  async function failedOver(): Promise<{ run: SandboxRun; since: number }> {
    const run = await openSandboxRun();
    expect((await run.run('failover')).outcome.exitCode).toBe(0);
    writeFile(run, SECONDARY, '/app/dr-write.txt', 'kept');
    return { run, since: run.requests.length };
  }

  it.each(failbackCases)('after step $step is done', async ({ step, last }) => {
    const { run, since } = await failedOver();
    h = run;
    await interruptAndResume(run, 'failback', stepDone(step), last);
    expect(mutationsOf(run, since)).toEqual(FAILBACK_PRESERVE_MUTATIONS);
    expectNoMutationTwice(run, since);
    expect(await settledState(run)).toEqual(reference.failback);
    expect(readFile(run, PRIMARY, '/app/dr-write.txt')).toBe('kept');
  });

  it.each(failbackWaits)('while step %s is waiting', async (step) => {
    const { run, since } = await failedOver();
    h = run;
    await interruptAndResume(run, 'failback', stepWaiting(step), false);
    expect(mutationsOf(run, since)).toEqual(FAILBACK_PRESERVE_MUTATIONS);
    expectNoMutationTwice(run, since);
    expect(await settledState(run)).toEqual(reference.failback);
    expect(readFile(run, PRIMARY, '/app/dr-write.txt')).toBe('kept');
  });
});
