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
import './procedures-efs.js';
import type { AnyStepKind } from './types.js';

export const STEP_KINDS: AnyStepKind[] = [
  approval,
  exec,
  efsCheck,
  efsPromote,
  efsRemoveOrphan,
  efsReplicate,
  efsWaitInSync,
];

export function findStepKind(kind: string): AnyStepKind | undefined {
  return STEP_KINDS.find((k) => k.kind === kind);
}
