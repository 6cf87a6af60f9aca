/**
 * Ctrl-C at any point of the Lustre failover or failback, then the same command again: the run resumes and ends
 * as an uninterrupted run ends, with the same mutations, never one twice: no second DR file system, association,
 * task or Batch job.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/events.js';
import { openSandboxRun, requestSignature } from '../helpers/sandbox-run.js';
import type { SandboxRun } from '../helpers/sandbox-run.js';
import { FAILBACK_STEPS, FAILOVER_STEPS, RESOURCE, RUNBOOK, drFileSystems, lustreFiles, mutationsOf, writeOnLustre } from './lustre-expect.js';

type Operation = 'failover' | 'failback';

let h: SandboxRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const FAILOVER_MUTATIONS = [
  'CreateDataRepositoryAssociation 222222222222/us-west-2',
  'CreateDataRepositoryTask 111111111111/us-east-1 EXPORT_TO_REPOSITORY',
  'CreateDataRepositoryTask 222222222222/us-west-2 IMPORT_METADATA_FROM_REPOSITORY',
  'CreateFileSystem 222222222222/us-west-2',
];
const FAILBACK_MUTATIONS = [
  'CreateDataRepositoryTask 111111111111/us-east-1 IMPORT_METADATA_FROM_REPOSITORY',
  'CreateDataRepositoryTask 222222222222/us-west-2 EXPORT_TO_REPOSITORY',
  'CreateJob 222222222222/us-west-2',
];

const stepDone = (id: string) => (e: RunEvent) => e.type === 'step.done' && e.key === `${RESOURCE}/${id}`;
/** The step has started its change: the engine lets the call finish, records it, then stops. */
const stepApplying = (id: string) => (e: RunEvent) => e.type === 'step.applying' && e.key === `${RESOURCE}/${id}`;

/** Runs `operation` interrupted at the first event `abortWhen` accepts, then again. */
async function interruptAndResume(run: SandboxRun, operation: Operation, abortWhen: (e: RunEvent) => boolean, lastStep = false): Promise<void> {
  const first = await run.run(operation, { abortWhen });
  if (lastStep) {
    // Ctrl-C after the last step changes nothing: the run has finished.
    expect(first.outcome.exitCode).toBe(0);
    return;
  }
  expect(first.outcome.exitCode).toBe(130);
  const second = await run.run(operation);
  expect(second.outcome.exitCode).toBe(0);
  expect(second.outcome.resumed).toBe(true);
  expect(second.outcome.runId).toBe(first.outcome.runId);
}

function expectNoMutationTwice(run: SandboxRun, since: number): void {
  const signatures = run.mutatingRequests(since).map(requestSignature);
  expect(new Set(signatures).size).toBe(signatures.length);
}

function expectFailedOver(run: SandboxRun): void {
  expect(drFileSystems(run.world)).toEqual([{ fileSystemId: expect.any(String), lifecycle: 'AVAILABLE', associations: 1 }]);
  expect(lustreFiles(run.world, 'secondary').some((f) => f.startsWith('/data/README.txt='))).toBe(true);
}

/** Steps that create something and then wait for AWS: the interesting moments to be interrupted. */
const FAILOVER_CREATES = ['export-primary', 'dr-filesystem', 'dr-associations', 'import-dr'];
const FAILBACK_CREATES = ['export-dr', 'backfill', 'import-primary'];

describe('lustre-prod failover interrupted and resumed', () => {
  it.each(FAILOVER_STEPS)('after step %s is done', async (step) => {
    h = await openSandboxRun({ runbookFile: RUNBOOK });
    await interruptAndResume(h, 'failover', stepDone(step), step === 'verify');
    expect(mutationsOf(h).sort()).toEqual(FAILOVER_MUTATIONS);
    expectNoMutationTwice(h, 0);
    expectFailedOver(h);
  });

  it.each(FAILOVER_CREATES)('right after step %s sent its change', async (step) => {
    h = await openSandboxRun({ runbookFile: RUNBOOK });
    await interruptAndResume(h, 'failover', stepApplying(step));
    expect(mutationsOf(h).sort()).toEqual(FAILOVER_MUTATIONS);
    expectNoMutationTwice(h, 0);
    expectFailedOver(h);
  });
});

describe('lustre-prod failback interrupted and resumed', () => {
  async function failedOver(): Promise<{ run: SandboxRun; since: number }> {
    const run = await openSandboxRun({ runbookFile: RUNBOOK });
    expect((await run.run('failover')).outcome.exitCode).toBe(0);
    writeOnLustre(run.world, 'secondary', '/data/dr-write.txt', 'kept');
    return { run, since: run.requests.length };
  }

  it.each(FAILBACK_STEPS)('after step %s is done', async (step) => {
    const { run, since } = await failedOver();
    h = run;
    await interruptAndResume(run, 'failback', stepDone(step), step === 'verify');
    expect(mutationsOf(run, since).sort()).toEqual(FAILBACK_MUTATIONS);
    expectNoMutationTwice(run, since);
    expect(lustreFiles(run.world, 'primary')).toContain('/data/dr-write.txt=kept');
  });

  it.each(FAILBACK_CREATES)('right after step %s sent its change', async (step) => {
    const { run, since } = await failedOver();
    h = run;
    await interruptAndResume(run, 'failback', stepApplying(step));
    expect(mutationsOf(run, since).sort()).toEqual(FAILBACK_MUTATIONS);
    expectNoMutationTwice(run, since);
    expect(lustreFiles(run.world, 'primary')).toContain('/data/dr-write.txt=kept');
  });
});
