/**
 * The standard fsx-lustre procedures (aws-reference.md §6.2), used when a runbook does not spell its own out.
 * Lustre + a bucket per region, two-way replication between the buckets:
 *
 *  failover:   quiesce → export-primary → wait-replicated (records the failover point) ─┐
 *              dr-filesystem → dr-associations (in parallel: a pilot light takes minutes) ─┼→ import-dr → verify
 *              versioning → reverse-replication ──────────────────────────────────────────┘
 *  failback:   quiesce → export-dr → backfill (Batch Replication of what live replication missed) → wait-replicated ─┐
 *              quiesce → versioning → replicate-back / replicate-forward; primary-associations ─────────────────────┴→ import-primary → verify
 *              [→ confirm-delete → delete-dr-filesystem, when the pilot light opts in with deleteOnFailback]
 *  discard:    like failback without exporting, backfilling or waiting on the DR side, behind a confirmation.
 *
 * With --primary-unavailable the steps that need the primary are skipped, and wait-replicated reports the
 * recovery point it accepts instead.
 */
import type { FsxLustreResource } from '../runbook/resources/fsx-lustre.js';
import type { StepSpec } from '../runbook/schema.js';
import { approval } from './approval.js';
import { fsxDeleteFilesystem } from './fsx-delete-filesystem.js';
import { fsxEnsureAssociation } from './fsx-ensure-association.js';
import { fsxEnsureFilesystem } from './fsx-ensure-filesystem.js';
import { fsxExport } from './fsx-export.js';
import { fsxImport } from './fsx-import.js';
import { fsxVerify } from './fsx-verify.js';
import { registerProcedure } from './procedures.js';
import { s3BatchReplicate } from './s3-batch-replicate.js';
import { s3EnsureReplication } from './s3-ensure-replication.js';
import { s3EnsureVersioning } from './s3-ensure-versioning.js';
import { s3WaitReplicated } from './s3-wait-replicated.js';
import type { FailbackMode } from './types.js';

function lustreLabel(side: FsxLustreResource['primary']): string {
  const id = side.fileSystemId ?? 'pilot-light file system';
  return `Lustre ${id} (account ${side.account}${side.region ? `, ${side.region}` : ''})`;
}

/** Failback backfills from the DR buckets only when a Batch Operations role exists for them. */
function hasReverseBatchRole(resource: FsxLustreResource, sameAccount: boolean): boolean {
  const r = resource.replication;
  return Boolean(r.reverseBatchRoleArn ?? (sameAccount ? r.batchRoleArn : undefined));
}

export function deriveFsxFailover(_resourceName: string, resource: FsxLustreResource): StepSpec[] {
  return [
    {
      id: 'quiesce',
      uses: approval.kind,
      with: approval.params.parse({
        message: `Stop writers on ${lustreLabel(resource.primary)}, or confirm it is unreachable. drctl then exports it to S3 and waits until replication has reached the DR bucket. Writers stopped?`,
      }),
    },
    { id: 'export-primary', uses: fsxExport.kind, with: fsxExport.params.parse({ side: 'primary' }) },
    { id: 'wait-replicated', uses: s3WaitReplicated.kind, with: s3WaitReplicated.params.parse({ from: 'primary', record: 'failover' }) },
    { id: 'dr-filesystem', uses: fsxEnsureFilesystem.kind, needs: [], with: fsxEnsureFilesystem.params.parse({ side: 'secondary' }) },
    { id: 'dr-associations', uses: fsxEnsureAssociation.kind, needs: ['dr-filesystem'], with: fsxEnsureAssociation.params.parse({ side: 'secondary' }) },
    { id: 'versioning', uses: s3EnsureVersioning.kind, needs: [], with: s3EnsureVersioning.params.parse({}) },
    { id: 'reverse-replication', uses: s3EnsureReplication.kind, needs: ['versioning'], with: s3EnsureReplication.params.parse({ from: 'secondary' }) },
    { id: 'import-dr', uses: fsxImport.kind, needs: ['wait-replicated', 'dr-associations'], with: fsxImport.params.parse({ side: 'secondary' }) },
    { id: 'verify', uses: fsxVerify.kind, needs: ['import-dr', 'reverse-replication'], with: fsxVerify.params.parse({ side: 'secondary' }) },
  ];
}

export function deriveFsxFailback(resourceName: string, resource: FsxLustreResource, mode: FailbackMode, sameAccount: boolean): StepSpec[] {
  // Nothing changes before the operator passed the first gate (writers stopped, or discarding confirmed).
  const gate = mode === 'discard' ? 'confirm' : 'quiesce';
  const common: StepSpec[] = [
    { id: 'versioning', uses: s3EnsureVersioning.kind, needs: [gate], with: s3EnsureVersioning.params.parse({}) },
    { id: 'replicate-forward', uses: s3EnsureReplication.kind, needs: ['versioning'], with: s3EnsureReplication.params.parse({ from: 'primary' }) },
    { id: 'primary-associations', uses: fsxEnsureAssociation.kind, needs: [gate], with: fsxEnsureAssociation.params.parse({ side: 'primary' }) },
  ];
  let drSide: StepSpec[];
  let importNeeds: string[];
  if (mode === 'discard') {
    drSide = [
      {
        id: 'confirm',
        uses: approval.kind,
        with: approval.params.parse({
          message: `Fail back ${resourceName} discarding DR changes: files written on ${lustreLabel(resource.secondary)} that have not reached the primary bucket are not exported or back-filled, and the primary is used as it is. Continue?`,
          destructive: true,
        }),
      },
    ];
    importNeeds = ['primary-associations'];
  } else {
    drSide = [
      {
        id: 'quiesce',
        uses: approval.kind,
        with: approval.params.parse({
          message: `Stop writers on ${lustreLabel(resource.secondary)}. drctl then exports it to S3, back-fills what live replication missed and waits until the primary bucket has it all. Writers stopped?`,
        }),
      },
      { id: 'export-dr', uses: fsxExport.kind, with: fsxExport.params.parse({ side: 'secondary' }) },
      { id: 'replicate-back', uses: s3EnsureReplication.kind, needs: ['versioning'], with: s3EnsureReplication.params.parse({ from: 'secondary' }) },
      ...(hasReverseBatchRole(resource, sameAccount)
        ? [{ id: 'backfill', uses: s3BatchReplicate.kind, needs: ['export-dr', 'replicate-back'], with: s3BatchReplicate.params.parse({ from: 'secondary' }) }]
        : []),
      {
        id: 'wait-replicated',
        uses: s3WaitReplicated.kind,
        needs: hasReverseBatchRole(resource, sameAccount) ? ['backfill'] : ['export-dr', 'replicate-back'],
        with: s3WaitReplicated.params.parse({ from: 'secondary', record: 'failback' }),
      },
    ];
    importNeeds = ['wait-replicated', 'primary-associations'];
  }
  const tail: StepSpec[] = [
    { id: 'import-primary', uses: fsxImport.kind, needs: importNeeds, with: fsxImport.params.parse({ side: 'primary' }) },
    { id: 'verify', uses: fsxVerify.kind, needs: ['import-primary', 'replicate-forward'], with: fsxVerify.params.parse({ side: 'primary' }) },
  ];
  if (resource.secondary.create?.deleteOnFailback && !resource.secondary.fileSystemId) {
    tail.push(
      {
        id: 'confirm-delete',
        uses: approval.kind,
        with: approval.params.parse({
          message: `Delete the pilot-light DR file system of ${resourceName} (${lustreLabel(resource.secondary)})? Its data is in the DR bucket and, after this failback, in the primary. Delete it?`,
          destructive: true,
        }),
      },
      { id: 'delete-dr-filesystem', uses: fsxDeleteFilesystem.kind, with: fsxDeleteFilesystem.params.parse({ side: 'secondary' }) },
    );
  }
  return [...drSide, ...common, ...tail];
}

registerProcedure('fsx-lustre', (resourceName, resource, operation, mode) => {
  if (resource.type !== 'fsx-lustre') return [];
  if (operation === 'failover') return deriveFsxFailover(resourceName, resource);
  // Without the runbook's accounts here, "same account" means both sides name the same account entry.
  return deriveFsxFailback(resourceName, resource, mode, resource.primary.account === resource.secondary.account);
});
