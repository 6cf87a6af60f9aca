import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/runbook/parse.js';
import type { Runbook } from '../../src/runbook/schema.js';
import { planRun } from '../../src/engine/plan.js';
import type { PlanFlags } from '../../src/engine/plan.js';
import '../../src/steps/registry.js';

const FILE = fileURLToPath(new URL('../../runbooks/s3-buckets.yaml', import.meta.url));

function example(): Runbook {
  const result = parseRunbook(readFileSync(FILE, 'utf8'), 'runbooks/s3-buckets.yaml');
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return result.runbook;
}

/** The example without its declared procedures: what drctl derives. */
function derivedExample(): Runbook {
  const runbook = example();
  const resource = runbook.filesystems['media-bucket'];
  if (!resource) throw new Error('example changed');
  delete resource.failover;
  delete resource.failback;
  return runbook;
}

const flags = (over: Partial<PlanFlags> = {}): PlanFlags => ({ primaryUnavailable: false, mode: 'preserve', force: false, ...over });
const ids = (plan: ReturnType<typeof planRun>) => plan.steps.map((s) => `${s.id}${s.skipReason ? ' (skipped)' : ''}`);

describe('runbooks/s3-buckets.yaml and the standard s3 procedures', () => {
  it('is a valid runbook without warnings', () => {
    const result = parseRunbook(readFileSync(FILE, 'utf8'), 'runbooks/s3-buckets.yaml');
    expect(result.ok ? [] : result.diagnostics).toEqual([]);
    if (result.ok) expect(result.warnings).toEqual([]);
  });

  it('runs its own failover, ending with the exec step that switches applications', () => {
    const plan = planRun(example(), 'failover', ['media-bucket'], flags());
    expect(plan.derived).toEqual([]);
    expect(ids(plan)).toEqual(['versioning', 'replication', 'replicate-back', 'backfill', 'quiesce', 'wait-replicated', 'switch-apps']);
  });

  it('with the primary unavailable, skips the primary-side rule and back-fill but still switches', () => {
    const plan = planRun(example(), 'failover', ['media-bucket'], flags({ primaryUnavailable: true }));
    expect(ids(plan)).toEqual(['versioning', 'replication (skipped)', 'replicate-back', 'backfill (skipped)', 'quiesce', 'wait-replicated', 'switch-apps']);
  });

  it('has a discard failback', () => {
    const plan = planRun(example(), 'failback', ['media-bucket'], flags({ mode: 'discard' }));
    expect(ids(plan)).toEqual(['confirm', 'versioning', 'replication', 'switch-apps']);
  });

  it('derives the standard failover and failback when none is declared', () => {
    expect(ids(planRun(derivedExample(), 'failover', ['media-bucket'], flags()))).toEqual([
      'versioning', 'replication', 'replicate-back', 'backfill', 'quiesce', 'wait-replicated',
    ]);
    const failback = planRun(derivedExample(), 'failback', ['media-bucket'], flags());
    expect(ids(failback)).toEqual(['versioning', 'replicate-back', 'backfill', 'quiesce', 'wait-replicated', 'replication']);
    expect(failback.steps.find((s) => s.id === 'backfill')?.params).toMatchObject({ from: 'secondary', createdAfter: 'last-failover', statuses: ['NONE', 'FAILED'] });
  });

  it('removes the reverse rule after failback of a one-way resource, and skips back-fill without a batch role', () => {
    const runbook = derivedExample();
    const resource = runbook.filesystems['media-bucket'];
    if (resource?.type !== 's3') throw new Error('example changed');
    resource.replication.twoWay = false;
    resource.replication.reverseBatchRoleArn = undefined;
    expect(ids(planRun(runbook, 'failback', ['media-bucket'], flags()))).toEqual(['versioning', 'replicate-back', 'quiesce', 'wait-replicated', 'replication', 'remove-reverse']);
  });
});
