/** The bucket replication runbook rules (src/runbook/rules/s3-replication.ts), through the loader. */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseRunbook } from '../../src/runbook/parse.js';
import type { Diagnostic } from '../../src/runbook/diagnostics.js';

function s3Runbook(edit: (raw: any) => void = () => {}): string {
  const raw: any = {
    version: 1,
    accounts: { prod: { id: '111111111111', region: 'us-east-1' }, dr: { id: '222222222222', region: 'us-west-2' } },
    filesystems: {
      media: {
        type: 's3',
        primary: { account: 'prod', bucket: 'media-prod' },
        secondary: { account: 'dr', bucket: 'media-dr' },
        replication: {
          roleArn: 'arn:aws:iam::111111111111:role/s3-replication',
          reverseRoleArn: 'arn:aws:iam::222222222222:role/s3-replication',
          batchRoleArn: 'arn:aws:iam::111111111111:role/s3-batch',
          reverseBatchRoleArn: 'arn:aws:iam::222222222222:role/s3-batch',
        },
      },
    },
  };
  edit(raw);
  return stringify(raw);
}

function diagnostics(text: string): Diagnostic[] {
  const result = parseRunbook(text, 'media.yaml');
  return result.ok ? result.warnings : result.diagnostics;
}
const find = (text: string, code: string) => diagnostics(text).filter((d) => d.code === code);

describe('bucket replication rules', () => {
  it('accept a valid two-way runbook', () => {
    expect(diagnostics(s3Runbook())).toEqual([]);
  });

  it('replication-two-way-needs-replica-modifications', () => {
    const text = s3Runbook((r) => {
      r.filesystems.media.replication.replicaModifications = false;
    });
    expect(find(text, 'replication-two-way-needs-replica-modifications')[0]?.message).toContain('media replicates both ways but replication.replicaModifications is false');
    const oneWay = s3Runbook((r) => {
      Object.assign(r.filesystems.media.replication, { replicaModifications: false, twoWay: false });
    });
    expect(find(oneWay, 'replication-two-way-needs-replica-modifications')).toEqual([]);
  });

  it('replication-missing-reverse-role', () => {
    const text = s3Runbook((r) => {
      delete r.filesystems.media.replication.reverseRoleArn;
    });
    const [found] = find(text, 'replication-missing-reverse-role');
    expect(found?.message).toBe('media has no replication.reverseRoleArn, so failback cannot replicate media-dr → media-prod');
    expect(found?.hint).toContain('arn:aws:iam::222222222222:role/<name>');
  });

  it('replication-role-account-mismatch: each role in the account it acts from', () => {
    const text = s3Runbook((r) => {
      r.filesystems.media.replication.reverseRoleArn = 'arn:aws:iam::111111111111:role/s3-replication';
      r.filesystems.media.replication.batchRoleArn = 'arn:aws:iam::222222222222:role/s3-batch';
    });
    expect(find(text, 'replication-role-account-mismatch').map((d) => d.path.at(-1))).toEqual(['reverseRoleArn', 'batchRoleArn']);
  });

  it('replication-rule-id-clash: two resources claiming one rule on one bucket', () => {
    const text = s3Runbook((r) => {
      r.filesystems.other = structuredClone(r.filesystems.media);
      r.filesystems.other.secondary.bucket = 'other-dr';
    });
    expect(find(text, 'replication-rule-id-clash')[0]?.message).toBe("other and media both own replication rule 'drctl' on bucket media-prod; each would overwrite the other's rule");
    const distinct = s3Runbook((r) => {
      r.filesystems.other = structuredClone(r.filesystems.media);
      r.filesystems.other.secondary.bucket = 'other-dr';
      r.filesystems.other.replication.ruleId = 'drctl-other';
    });
    expect(find(distinct, 'replication-rule-id-clash')).toEqual([]);
  });

  it('replication-without-versioning: a declared procedure ensures versioning on both buckets first', () => {
    const withoutVersioning = s3Runbook((r) => {
      r.filesystems.media.failover = [{ id: 'replication', uses: 's3.ensure-replication', with: { from: 'primary' } }];
    });
    expect(find(withoutVersioning, 'replication-without-versioning')[0]?.message).toContain("step 'replication' of media failover ensures replication, but no earlier step ensures versioning on both buckets");
    const oneSide = s3Runbook((r) => {
      r.filesystems.media.failover = [
        { id: 'versioning', uses: 's3.ensure-versioning', with: { sides: ['secondary'] } },
        { id: 'replication', uses: 's3.ensure-replication' },
      ];
    });
    expect(find(oneSide, 'replication-without-versioning')).toHaveLength(1);
    const parallel = s3Runbook((r) => {
      r.filesystems.media.failover = [
        { id: 'versioning', uses: 's3.ensure-versioning' },
        { id: 'replication', uses: 's3.ensure-replication', needs: [] },
      ];
    });
    expect(find(parallel, 'replication-without-versioning')).toHaveLength(1);
    const ordered = s3Runbook((r) => {
      r.filesystems.media.failover = [
        { id: 'versioning', uses: 's3.ensure-versioning' },
        { id: 'approve', uses: 'approval', with: { message: 'go?' } },
        { id: 'replication', uses: 's3.ensure-replication' },
      ];
    });
    expect(find(ordered, 'replication-without-versioning')).toEqual([]);
  });

  it('batch-replication-without-rule warns when no earlier step ensures the source rule', () => {
    const text = s3Runbook((r) => {
      r.filesystems.media.failback = [{ id: 'backfill', uses: 's3.batch-replicate', with: { from: 'secondary' } }];
    });
    const [found] = find(text, 'batch-replication-without-rule');
    expect(found?.severity).toBe('warning');
    expect(parseRunbook(text, 'media.yaml').ok).toBe(true);
  });
});
