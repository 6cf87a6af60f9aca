/**
 * Every AWS call the runbook's procedures may make, from the step kinds' own declarations (`kind.calls`), for
 * each way drctl can run them: failover (with and without --primary-unavailable) and failback in both modes.
 * Because policies come from the same declarations that plans show, they cannot drift from what runs. Pure.
 */
import { describeContextFor, planRun, type PlanFlags } from '../engine/plan.js';
import type { Runbook } from '../runbook/schema.js';
import { findStepKind } from '../steps/registry.js';
import type { PlannedCall } from '../steps/types.js';

export interface CollectedCall {
  resource: string;
  stepKey: string;
  /** e.g. "failover", "failover --primary-unavailable", "failback --mode discard". */
  variant: string;
  call: PlannedCall;
}

export const IAM_VARIANTS: ReadonlyArray<{ name: string; operation: 'failover' | 'failback'; flags: PlanFlags }> = [
  { name: 'failover', operation: 'failover', flags: { primaryUnavailable: false, mode: 'preserve', force: false } },
  { name: 'failover --primary-unavailable', operation: 'failover', flags: { primaryUnavailable: true, mode: 'preserve', force: false } },
  { name: 'failback --mode preserve', operation: 'failback', flags: { primaryUnavailable: false, mode: 'preserve', force: false } },
  { name: 'failback --mode discard', operation: 'failback', flags: { primaryUnavailable: false, mode: 'discard', force: false } },
];

export function collectPlannedCalls(runbook: Runbook, resources: readonly string[]): CollectedCall[] {
  const collected: CollectedCall[] = [];
  for (const variant of IAM_VARIANTS) {
    const plan = planRun(runbook, variant.operation, [...resources], variant.flags);
    for (const step of plan.steps) {
      if (step.skipReason) continue;
      const kind = findStepKind(step.kind);
      if (!kind) continue; // planRun already refuses unknown kinds
      const dctx = describeContextFor(runbook, step.resource, variant.operation, variant.flags);
      for (const call of kind.calls(step.params, dctx)) collected.push({ resource: step.resource, stepKey: step.key, variant: variant.name, call });
    }
  }
  return collected;
}
