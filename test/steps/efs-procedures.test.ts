import { describe, expect, it } from 'vitest';
import { stepSchema } from '../../src/runbook/schema.js';
import { resolveProcedure } from '../../src/steps/procedures.js';
import '../../src/steps/registry.js';
import { EFS_PRIMARY_ID, EFS_SECONDARY_ID, exampleRunbook, testRunbook } from '../helpers/step-context.js';

const runbook = testRunbook();
const resource = runbook.filesystems['efs-prod']!;

function messageOf(step: { with?: unknown } | undefined): string {
  return String((step?.with as { message?: unknown } | undefined)?.message);
}

function summary(operation: 'failover' | 'failback', mode: 'preserve' | 'discard' = 'preserve') {
  const { steps, derived } = resolveProcedure('efs-prod', resource, operation, mode);
  expect(derived).toBe(true);
  for (const step of steps) expect(stepSchema.safeParse(step).success).toBe(true);
  return steps;
}

describe('standard EFS procedures', () => {
  it('fails over: preflight, destructive confirmation naming the DR file system, promote', () => {
    const steps = summary('failover');
    expect(steps.map((s) => [s.id, s.uses])).toEqual([
      ['preflight', 'efs.check'],
      ['confirm', 'approval'],
      ['promote', 'efs.promote'],
    ]);
    expect(steps[0]?.with).toEqual({ expect: 'replicating' });
    expect(steps[1]?.with).toMatchObject({ destructive: true });
    expect(messageOf(steps[1])).toContain(`DR file system ${EFS_SECONDARY_ID} (account dr)`);
    expect(messageOf(steps[1])).toContain(`delete the replication ${EFS_PRIMARY_ID} → ${EFS_SECONDARY_ID}`);
    expect(steps[2]?.with).toEqual({ source: 'primary', deletionMode: 'auto', localFallbackAfter: '2m' });
  });

  it('fails back preserving DR changes: replicate back, quiesce, wait in sync, promote the original, re-protect', () => {
    const steps = summary('failback', 'preserve');
    expect(steps.map((s) => [s.id, s.uses])).toEqual([
      ['preflight', 'efs.check'],
      ['remove-orphan', 'efs.remove-orphan'],
      ['replicate-back', 'efs.replicate'],
      ['quiesce', 'approval'],
      ['wait-in-sync', 'efs.wait-in-sync'],
      ['promote-original', 'efs.promote'],
      ['reprotect', 'efs.replicate'],
    ]);
    expect(steps[2]?.with).toEqual({ from: 'secondary', to: 'primary', waitForFirstSync: false });
    expect(messageOf(steps[3])).toContain(`Stop writers on ${EFS_SECONDARY_ID}`);
    expect(steps[4]?.with).toEqual({ from: 'secondary', to: 'primary', after: 'quiesce' });
    expect(steps[5]?.with).toMatchObject({ source: 'secondary' });
    expect(steps[6]).toMatchObject({ timeout: '2h', with: { from: 'primary', to: 'secondary', waitForFirstSync: true } });
  });

  it('fails back discarding DR changes: confirm the loss, then re-protect (which still needs --force)', () => {
    const steps = summary('failback', 'discard');
    expect(steps.map((s) => s.id)).toEqual(['preflight', 'remove-orphan', 'confirm', 'reprotect']);
    expect(steps[2]?.with).toMatchObject({ destructive: true });
    expect(messageOf(steps[2])).toContain('every change made on the DR side since the failover is lost');
  });
});

describe('the example runbook', () => {
  it('derives the EFS procedures for runbooks/efs-prod.yaml', () => {
    const example = exampleRunbook('efs-prod.yaml');
    const efs = example.filesystems['efs-prod']!;
    expect(resolveProcedure('efs-prod', efs, 'failover', 'preserve').steps.map((s) => s.uses)).toEqual(['efs.check', 'approval', 'efs.promote']);
  });
});
