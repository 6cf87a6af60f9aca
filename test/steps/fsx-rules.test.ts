/** The fsx-lustre runbook rules (src/runbook/rules/fsx-*.ts), through the loader so positions are checked too. */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseRunbook } from '../../src/runbook/parse.js';
import type { Diagnostic } from '../../src/runbook/diagnostics.js';

const assoc = (fileSystemPath: string, bucket: string, prefix: string, extra: Record<string, unknown> = {}) => ({ fileSystemPath, bucket, prefix, ...extra });

/** A valid two-account Lustre runbook; `edit` changes the raw data before it is written as YAML. */
function lustreRunbook(edit: (raw: any) => void = () => {}): string {
  const raw: any = {
    version: 1,
    accounts: { prod: { id: '111111111111', region: 'us-east-1' }, dr: { id: '222222222222', region: 'us-west-2' } },
    filesystems: {
      lustre: {
        type: 'fsx-lustre',
        primary: { account: 'prod', fileSystemId: 'fs-0123456789abcdef0', associations: [assoc('/data', 'lustre-prod', 'data/')] },
        secondary: { account: 'dr', create: { subnetId: 'subnet-1' }, associations: [assoc('/data', 'lustre-dr', 'data/')] },
        replication: {
          roleArn: 'arn:aws:iam::111111111111:role/s3-replication',
          reverseRoleArn: 'arn:aws:iam::222222222222:role/s3-replication',
          reverseBatchRoleArn: 'arn:aws:iam::222222222222:role/s3-batch',
        },
      },
    },
  };
  edit(raw);
  return stringify(raw);
}

function diagnostics(text: string): Diagnostic[] {
  const result = parseRunbook(text, 'lustre.yaml');
  return result.ok ? result.warnings : result.diagnostics;
}

const codes = (text: string) => diagnostics(text).map((d) => d.code);

describe('fsx-lustre rules', () => {
  it('accept a valid pilot-light runbook', () => {
    expect(diagnostics(lustreRunbook())).toEqual([]);
  });

  it('fsx-too-many-associations: at most 8 per file system, pointing at the ninth', () => {
    const text = lustreRunbook((r) => {
      for (const side of ['primary', 'secondary'] as const) {
        r.filesystems.lustre[side].associations = Array.from({ length: 9 }, (_, i) => assoc(`/d${i}`, `lustre-${side}`, `d${i}/`));
      }
    });
    const found = diagnostics(text).filter((d) => d.code === 'fsx-too-many-associations');
    expect(found).toHaveLength(2);
    expect(found[0]?.message).toBe('lustre.primary declares 9 associations; FSx allows at most 8 per file system');
    expect(found[0]?.path).toEqual(['filesystems', 'lustre', 'primary', 'associations', 8]);
  });

  it('fsx-overlapping-paths: nested directories, "/" with others, and nested prefixes', () => {
    const nested = lustreRunbook((r) => {
      r.filesystems.lustre.primary.associations.push(assoc('/data/raw', 'lustre-prod', 'raw/'));
      r.filesystems.lustre.secondary.associations.push(assoc('/data/raw', 'lustre-dr', 'raw/'));
    });
    const found = diagnostics(nested).filter((d) => d.code === 'fsx-overlapping-paths');
    expect(found[0]?.message).toContain('association /data/raw overlaps /data (associations[0])');
    const root = lustreRunbook((r) => {
      r.filesystems.lustre.primary.associations.unshift(assoc('/', 'lustre-prod', 'all/'));
    });
    expect(codes(root)).toContain('fsx-overlapping-paths');
    const prefixes = lustreRunbook((r) => {
      r.filesystems.lustre.primary.associations.push(assoc('/models', 'lustre-prod', 'data/models/'));
      r.filesystems.lustre.secondary.associations.push(assoc('/models', 'lustre-dr', 'data/models/'));
    });
    const byPrefix = diagnostics(prefixes).find((d) => d.code === 'fsx-overlapping-paths');
    expect(byPrefix?.message).toContain('s3://lustre-prod/data/models/, which overlaps s3://lustre-prod/data/');
  });

  it('fsx-auto-import-cross-region: auto-import needs a same-region bucket, auto-export does not', () => {
    const crossImport = lustreRunbook((r) => {
      r.filesystems.lustre.secondary.associations[0].region = 'us-east-2';
    });
    const found = diagnostics(crossImport).find((d) => d.code === 'fsx-auto-import-cross-region');
    expect(found?.message).toContain('auto-imports from lustre-dr in us-east-2, but the file system is in us-west-2');
    const exportOnly = lustreRunbook((r) => {
      Object.assign(r.filesystems.lustre.secondary.associations[0], { region: 'us-east-2', autoImport: [] });
    });
    expect(codes(exportOnly)).not.toContain('fsx-auto-import-cross-region');
  });

  it('fsx-association-mismatch: each path on both sides, same prefix, two buckets', () => {
    const missing = lustreRunbook((r) => {
      r.filesystems.lustre.primary.associations.push(assoc('/models', 'lustre-prod', 'models/'));
    });
    expect(diagnostics(missing).find((d) => d.code === 'fsx-association-mismatch')?.message).toBe(
      'lustre: /models is linked on the primary side but not on the secondary side, so it would not be replicated',
    );
    const prefix = lustreRunbook((r) => {
      r.filesystems.lustre.secondary.associations[0].prefix = 'dr-data/';
    });
    expect(diagnostics(prefix).find((d) => d.code === 'fsx-association-mismatch')?.message).toContain("prefix 'dr-data/' on the secondary side but 'data/' on the primary");
    const sameBucket = lustreRunbook((r) => {
      r.filesystems.lustre.secondary.associations[0].bucket = 'lustre-prod';
    });
    expect(diagnostics(sameBucket).find((d) => d.code === 'fsx-association-mismatch')?.message).toContain('links bucket lustre-prod on both sides');
  });

  it('fsx-side-filesystem: one of fileSystemId and create, and only the secondary as a pilot light', () => {
    const both = lustreRunbook((r) => {
      r.filesystems.lustre.secondary.fileSystemId = 'fs-0fedcba9876543210';
    });
    expect(codes(both)).toContain('fsx-side-filesystem');
    const neither = lustreRunbook((r) => {
      delete r.filesystems.lustre.secondary.create;
    });
    expect(diagnostics(neither).find((d) => d.code === 'fsx-side-filesystem')?.message).toBe('lustre.secondary has neither fileSystemId nor create');
    const pilotPrimary = lustreRunbook((r) => {
      delete r.filesystems.lustre.primary.fileSystemId;
      r.filesystems.lustre.primary.create = { subnetId: 'subnet-2' };
    });
    expect(diagnostics(pilotPrimary).find((d) => d.code === 'fsx-side-filesystem')?.message).toContain('the primary must be the existing production file system');
  });

  it('fsx-invalid-create: deployment types and versions without DRAs, capacity and throughput', () => {
    const text = lustreRunbook((r) => {
      Object.assign(r.filesystems.lustre.secondary.create, { deploymentType: 'SCRATCH_1', fileSystemTypeVersion: '2.10' });
    });
    const messages = diagnostics(text).filter((d) => d.code === 'fsx-invalid-create').map((d) => d.message);
    expect(messages).toEqual([
      'lustre.secondary.create.deploymentType SCRATCH_1 cannot have data repository associations, so it could not be linked to its bucket',
      'lustre.secondary.create.fileSystemTypeVersion 2.10 cannot have data repository associations',
    ]);
    const sizing = lustreRunbook((r) => {
      Object.assign(r.filesystems.lustre.secondary.create, { storageCapacity: 3000, deploymentType: 'PERSISTENT_1', perUnitStorageThroughput: 125 });
    });
    const found = diagnostics(sizing).filter((d) => d.code === 'fsx-invalid-create');
    expect(found.map((d) => d.hint)).toEqual(['Use 1200, 2400 or a multiple of 2400 (e.g. 4800).', 'Use one of 50, 100, 200 MB/s per TiB.']);
  });

  it('points at the offending YAML node', () => {
    const text = lustreRunbook((r) => {
      r.filesystems.lustre.secondary.create.fileSystemTypeVersion = '2.10';
    });
    const found = diagnostics(text).find((d) => d.code === 'fsx-invalid-create');
    const line = text.split('\n').findIndex((l) => l.includes("fileSystemTypeVersion: '2.10'") || l.includes('fileSystemTypeVersion: "2.10"')) + 1;
    expect(found?.line).toBe(line);
  });
});
