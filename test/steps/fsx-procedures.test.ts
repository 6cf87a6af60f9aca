import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/runbook/parse.js';
import type { Runbook } from '../../src/runbook/schema.js';
import { planRun } from '../../src/engine/plan.js';
import type { PlanFlags } from '../../src/engine/plan.js';
import '../../src/steps/registry.js';

const FILE = fileURLToPath(new URL('../../runbooks/lustre-s3.yaml', import.meta.url));

function example(): Runbook {
  const result = parseRunbook(readFileSync(FILE, 'utf8'), 'runbooks/lustre-s3.yaml');
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return result.runbook;
}

const flags = (over: Partial<PlanFlags> = {}): PlanFlags => ({ primaryUnavailable: false, mode: 'preserve', force: false, ...over });
const shape = (plan: ReturnType<typeof planRun>) => plan.steps.map((s) => `${s.id} ${s.kind} <- ${s.needs.map((n) => n.split('/')[1]).join(',')}${s.skipReason ? ' (skipped)' : ''}`);

describe('runbooks/lustre-s3.yaml and the standard fsx-lustre procedures', () => {
  it('is a valid runbook without warnings', () => {
    const result = parseRunbook(readFileSync(FILE, 'utf8'), 'runbooks/lustre-s3.yaml');
    expect(result.ok ? [] : result.diagnostics).toEqual([]);
    if (result.ok) expect(result.warnings ?? []).toEqual([]);
  });

  it('fails over: export and drain the primary while the DR file system is created, then import and verify', () => {
    const plan = planRun(example(), 'failover', ['lustre-prod'], flags());
    expect(plan.derived).toEqual(['lustre-prod']);
    expect(shape(plan)).toEqual([
      'quiesce approval <- ',
      'export-primary fsx.export <- quiesce',
      'wait-replicated s3.wait-replicated <- export-primary',
      'dr-filesystem fsx.ensure-filesystem <- ',
      'dr-associations fsx.ensure-association <- dr-filesystem',
      'versioning s3.ensure-versioning <- ',
      'reverse-replication s3.ensure-replication <- versioning',
      'import-dr fsx.import <- wait-replicated,dr-associations',
      'verify fsx.verify <- import-dr,reverse-replication',
    ]);
    expect(plan.steps.find((s) => s.id === 'wait-replicated')?.params).toMatchObject({ from: 'primary', record: 'failover' });
  });

  it('with the primary unavailable, skips the export but keeps the recovery-point measurement', () => {
    const plan = planRun(example(), 'failover', ['lustre-prod'], flags({ primaryUnavailable: true }));
    const skipped = plan.steps.filter((s) => s.skipReason).map((s) => s.id);
    expect(skipped).toEqual(['export-primary']);
    expect(plan.steps.find((s) => s.id === 'wait-replicated')?.sides).toEqual(['secondary']);
  });

  it('fails back: export the DR side, back-fill, drain, then import on the primary', () => {
    const plan = planRun(example(), 'failback', ['lustre-prod'], flags());
    expect(shape(plan)).toEqual([
      'quiesce approval <- ',
      'export-dr fsx.export <- quiesce',
      'replicate-back s3.ensure-replication <- versioning',
      'backfill s3.batch-replicate <- export-dr,replicate-back',
      'wait-replicated s3.wait-replicated <- backfill',
      'versioning s3.ensure-versioning <- quiesce',
      'replicate-forward s3.ensure-replication <- versioning',
      'primary-associations fsx.ensure-association <- quiesce',
      'import-primary fsx.import <- wait-replicated,primary-associations',
      'verify fsx.verify <- import-primary,replicate-forward',
    ]);
  });

  it('deletes an opted-in pilot light at the end, behind a destructive confirmation', () => {
    const runbook = example();
    const resource = runbook.filesystems['lustre-prod'];
    if (resource?.type !== 'fsx-lustre' || !resource.secondary.create) throw new Error('example changed');
    resource.secondary.create.deleteOnFailback = true;
    const plan = planRun(runbook, 'failback', ['lustre-prod'], flags());
    expect(shape(plan).slice(-2)).toEqual(['confirm-delete approval <- verify', 'delete-dr-filesystem fsx.delete-filesystem <- confirm-delete']);
    expect(plan.steps.find((s) => s.id === 'confirm-delete')?.params).toMatchObject({ destructive: true });
  });

  it('in discard mode asks first and neither exports nor back-fills the DR side', () => {
    const plan = planRun(example(), 'failback', ['lustre-prod'], flags({ mode: 'discard' }));
    const ids = plan.steps.map((s) => s.id);
    expect(ids[0]).toBe('confirm');
    expect(ids).not.toContain('export-dr');
    expect(ids).not.toContain('backfill');
    expect(plan.steps.find((s) => s.id === 'versioning')?.needs).toEqual(['lustre-prod/confirm']);
  });

  it('lists every AWS call of the failover for IAM policies, each with an account and region', async () => {
    const { STEP_KINDS } = await import('../../src/steps/registry.js');
    const { describeContextFor } = await import('../../src/engine/plan.js');
    const runbook = example();
    const plan = planRun(runbook, 'failover', ['lustre-prod'], flags());
    const ctx = describeContextFor(runbook, 'lustre-prod', 'failover', flags());
    const calls = plan.steps.flatMap((s) => STEP_KINDS.find((k) => k.kind === s.kind)?.calls(s.params, ctx) ?? []);
    const operations = new Set(calls.map((c) => `${c.service}:${c.operation}`));
    for (const op of ['fsx:CreateDataRepositoryTask', 'fsx:CreateFileSystem', 'fsx:CreateDataRepositoryAssociation', 's3:PutBucketReplication', 's3:HeadObject']) {
      expect(operations).toContain(op);
    }
    expect(calls.every((c) => c.account && c.region)).toBe(true);
  });
});
