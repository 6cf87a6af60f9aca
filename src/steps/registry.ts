/**
 * Every step kind, by name. Adding a kind is one file plus one line here; the runbook schema's discriminated
 * union, plans, docs and IAM policies are all derived from this list.
 */
import { approval } from './approval.js';
import { exec } from './exec.js';
import { efsCheck } from './efs-check.js';
import { efsPromote } from './efs-promote.js';
import { efsRemoveOrphan } from './efs-remove-orphan.js';
import { efsReplicate } from './efs-replicate.js';
import { efsWaitInSync } from './efs-wait-in-sync.js';
import { fsxDeleteFilesystem } from './fsx-delete-filesystem.js';
import { fsxEnsureAssociation } from './fsx-ensure-association.js';
import { fsxEnsureFilesystem } from './fsx-ensure-filesystem.js';
import { fsxExport } from './fsx-export.js';
import { fsxImport } from './fsx-import.js';
import { fsxRelease } from './fsx-release.js';
import { fsxRemoveAssociation } from './fsx-remove-association.js';
import { fsxVerify } from './fsx-verify.js';
import { s3BatchReplicate } from './s3-batch-replicate.js';
import { s3EnsureReplication } from './s3-ensure-replication.js';
import { s3EnsureVersioning } from './s3-ensure-versioning.js';
import { s3RemoveReplication } from './s3-remove-replication.js';
import { s3WaitReplicated } from './s3-wait-replicated.js';
import './procedures-efs.js';
import './procedures-fsx.js';
import './procedures-s3.js';
import type { AnyStepKind } from './types.js';

export const STEP_KINDS: AnyStepKind[] = [
  approval,
  exec,
  efsCheck,
  efsPromote,
  efsRemoveOrphan,
  efsReplicate,
  efsWaitInSync,
  fsxEnsureFilesystem,
  fsxEnsureAssociation,
  fsxRemoveAssociation,
  fsxExport,
  fsxImport,
  fsxRelease,
  fsxVerify,
  fsxDeleteFilesystem,
  s3EnsureVersioning,
  s3EnsureReplication,
  s3RemoveReplication,
  s3BatchReplicate,
  s3WaitReplicated,
];

export function findStepKind(kind: string): AnyStepKind | undefined {
  return STEP_KINDS.find((k) => k.kind === kind);
}
