/** Helpers shared by rules: iterate over resources, their sides and their declared procedures. */
import type { Account, Resource, Runbook, Side, StepSpec } from '../schema.js';

export type Path = (string | number)[];

export interface SideRef {
  resourceName: string;
  resource: Resource;
  side: Side;
  /** The side's own fields (every resource type has `account` and an optional `region`). */
  spec: { account: string; region?: string | undefined };
  path: Path;
}

export function resources(runbook: Runbook): Array<[string, Resource]> {
  return Object.entries(runbook.filesystems);
}

export function sides(runbook: Runbook): SideRef[] {
  return resources(runbook).flatMap(([resourceName, resource]) =>
    (['primary', 'secondary'] as const).map((side) => ({
      resourceName,
      resource,
      side,
      spec: resource[side],
      path: ['filesystems', resourceName, side],
    })),
  );
}

/** The account a side names, when it exists. */
export function accountOf(runbook: Runbook, side: SideRef): Account | undefined {
  return Object.hasOwn(runbook.accounts, side.spec.account) ? runbook.accounts[side.spec.account] : undefined;
}

/** The side's region: its own, else its account's. */
export function regionOf(runbook: Runbook, side: SideRef): string | undefined {
  return side.spec.region ?? accountOf(runbook, side)?.region;
}

export interface ProcedureRef {
  resourceName: string;
  resource: Resource;
  /** e.g. "failover", "failback", "failback (preserve)" */
  label: string;
  steps: StepSpec[];
  path: Path;
}

/** The step lists a runbook spells out (derived standard procedures are code, not input, and not checked). */
export function procedures(runbook: Runbook): ProcedureRef[] {
  const found: ProcedureRef[] = [];
  for (const [resourceName, resource] of resources(runbook)) {
    const base: Path = ['filesystems', resourceName];
    if (resource.failover) found.push({ resourceName, resource, label: 'failover', steps: resource.failover, path: [...base, 'failover'] });
    const failback = resource.failback;
    if (Array.isArray(failback)) {
      found.push({ resourceName, resource, label: 'failback', steps: failback, path: [...base, 'failback'] });
    } else if (failback) {
      for (const mode of ['preserve', 'discard'] as const) {
        const steps = failback[mode];
        if (steps) found.push({ resourceName, resource, label: `failback (${mode})`, steps, path: [...base, 'failback', mode] });
      }
    }
  }
  return found;
}

/** The account id in an IAM role ARN (arn:aws:iam::123456789012:role/name). */
export function roleAccountId(roleArn: string): string | undefined {
  return /^arn:[^:]*:iam::(\d{12}):/.exec(roleArn)?.[1];
}

/** Where in the runbook a message can say a resource is: "efs-prod (efs)". */
export function resourceLabel(name: string, resource: Resource): string {
  return `${name} (${resource.type})`;
}
