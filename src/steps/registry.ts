/**
 * Every step kind, by name. Adding a kind is one file plus one line here; the runbook schema's discriminated
 * union, plans, docs and IAM policies are all derived from this list.
 */
import { approval } from './approval.js';
import { exec } from './exec.js';
import type { AnyStepKind } from './types.js';

export const STEP_KINDS: AnyStepKind[] = [
  approval,
  exec,
];

export function findStepKind(kind: string): AnyStepKind | undefined {
  return STEP_KINDS.find((k) => k.kind === kind);
}
