/**
 * Standard procedures: the step lists drctl derives for a resource when the runbook does not spell them out.
 * `drctl plan` shows the expansion and `drctl init` writes it into new runbooks. One function per resource type.
 */
import type { Resource, StepSpec } from '../runbook/schema.js';
import type { FailbackMode, Operation } from './types.js';

export type ProcedureDeriver = (resourceName: string, resource: Resource, operation: Exclude<Operation, 'drill'>, mode: FailbackMode) => StepSpec[];

const derivers: Partial<Record<Resource['type'], ProcedureDeriver>> = {};

/** Registered by each resource type's procedure file (procedures-efs.ts, ...), imported from registry.ts. */
export function registerProcedure(type: Resource['type'], deriver: ProcedureDeriver): void {
  derivers[type] = deriver;
}

/** The steps to run: the runbook's own list when it has one, else the standard procedure. */
export function resolveProcedure(
  resourceName: string,
  resource: Resource,
  operation: Exclude<Operation, 'drill'>,
  mode: FailbackMode,
): { steps: StepSpec[]; derived: boolean } {
  const declared = operation === 'failover' ? resource.failover : resource.failback;
  if (Array.isArray(declared)) return { steps: declared, derived: false };
  if (declared && !Array.isArray(declared)) {
    const perMode = declared[mode];
    if (perMode) return { steps: perMode, derived: false };
  }
  const derive = derivers[resource.type];
  if (!derive) return { steps: [], derived: true };
  return { steps: derive(resourceName, resource, operation, mode), derived: true };
}
