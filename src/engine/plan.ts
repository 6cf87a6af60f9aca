/**
 * plan: runbook + operation + selection → the ordered step graph to run. Pure: no I/O, no AWS.
 * Each resource contributes its declared procedure or the standard one; step keys are `<resource>/<step id>`.
 */
import type { Runbook, Resource, Side, StepSpec } from '../runbook/schema.js';
import type { RetryPolicy } from '../runbook/common.js';
import { retrySchema } from '../runbook/common.js';
import { findStepKind } from '../steps/registry.js';
import { resolveProcedure } from '../steps/procedures.js';
import type { AnyStepKind, DescribeContext, FailbackMode, Operation, RunFlags } from '../steps/types.js';
import type { Target } from '../aws/types.js';
import { parseDuration } from '../util/duration.js';
import { DrctlError, ExitCode } from '../errors.js';

export interface PlannedStep {
  key: string;
  resource: string;
  id: string;
  kind: string;
  params: unknown;
  /** Keys of the steps that must finish first. */
  needs: string[];
  timeoutMs?: number;
  retry: RetryPolicy;
  description: string;
  sides: Side[];
  /** Set when the step cannot run in this mode (e.g. it needs the primary region and it is unavailable). */
  skipReason?: string;
}

export interface Plan {
  operation: Exclude<Operation, 'drill'>;
  mode: FailbackMode;
  resources: string[];
  steps: PlannedStep[];
  /** Resources whose procedure was derived (standard) rather than declared. */
  derived: string[];
}

export type PlanFlags = Pick<RunFlags, 'primaryUnavailable' | 'mode' | 'force'>;

export const DEFAULT_RETRY: RetryPolicy = retrySchema.parse({});

/** Account/region of a side of a resource, resolved against the runbook's accounts. */
export function resolveTarget(runbook: Runbook, resource: Resource, side: Side): Target & { region: string; accountId: string } {
  const spec = resource[side];
  const account = runbook.accounts[spec.account];
  if (!account) throw new DrctlError('unknown-account', ExitCode.invalidInput, `account '${spec.account}' is not declared`);
  return { account: spec.account, region: spec.region ?? account.region, accountId: account.id };
}

export function describeContextFor(runbook: Runbook, resourceName: string, operation: Operation, flags: PlanFlags): DescribeContext {
  const resource = runbook.filesystems[resourceName];
  if (!resource) throw new DrctlError('unknown-resource', ExitCode.invalidInput, `resource '${resourceName}' is not declared`);
  return {
    runbook,
    resourceName,
    resource,
    operation,
    flags,
    target: (side) => resolveTarget(runbook, resource, side),
  };
}

function kindOf(step: StepSpec): AnyStepKind {
  const kind = findStepKind(step.uses);
  if (!kind) throw new DrctlError('unknown-step-kind', ExitCode.invalidInput, `unknown step kind '${step.uses}' in step '${step.id}'`);
  return kind;
}

export function planRun(
  runbook: Runbook,
  operation: Exclude<Operation, 'drill'>,
  resources: string[],
  flags: PlanFlags,
): Plan {
  const steps: PlannedStep[] = [];
  const derived: string[] = [];
  for (const resourceName of resources) {
    const resource = runbook.filesystems[resourceName];
    if (!resource) throw new DrctlError('unknown-resource', ExitCode.invalidInput, `resource '${resourceName}' is not declared`);
    const procedure = resolveProcedure(resourceName, resource, operation, flags.mode);
    if (procedure.derived) derived.push(resourceName);
    const dctx = describeContextFor(runbook, resourceName, operation, flags);
    let previous: string | undefined;
    for (const spec of procedure.steps) {
      const kind = kindOf(spec);
      const params = kind.params.parse(spec.with ?? {});
      const key = `${resourceName}/${spec.id}`;
      const needs = spec.needs === undefined ? (previous ? [previous] : []) : spec.needs.map((id) => `${resourceName}/${id}`);
      const sides = kind.sides(params, dctx);
      const timeoutMs = spec.timeout === undefined ? undefined : parseDuration(spec.timeout);
      const planned: PlannedStep = {
        key,
        resource: resourceName,
        id: spec.id,
        kind: spec.uses,
        params,
        needs,
        retry: spec.retry ?? DEFAULT_RETRY,
        description: kind.describe(params, dctx),
        sides,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      };
      if (flags.primaryUnavailable && sides.length > 0 && sides.every((s) => s === 'primary')) {
        planned.skipReason = 'needs the primary region, which is marked unavailable (--primary-unavailable)';
      }
      steps.push(planned);
      previous = key;
    }
  }
  return { operation, mode: flags.mode, resources, steps, derived };
}

/** Steps in an order where every step comes after what it needs (Kahn); throws on a cycle. */
export function orderSteps(steps: PlannedStep[]): PlannedStep[] {
  const byKey = new Map(steps.map((s) => [s.key, s]));
  const done = new Set<string>();
  const ordered: PlannedStep[] = [];
  let progress = true;
  while (ordered.length < steps.length && progress) {
    progress = false;
    for (const step of steps) {
      if (done.has(step.key)) continue;
      if (step.needs.every((n) => done.has(n) || !byKey.has(n))) {
        ordered.push(step);
        done.add(step.key);
        progress = true;
      }
    }
  }
  if (ordered.length < steps.length) {
    const stuck = steps.filter((s) => !done.has(s.key)).map((s) => s.key);
    throw new DrctlError('needs-cycle', ExitCode.invalidInput, `steps depend on each other in a cycle: ${stuck.join(', ')}`);
  }
  return ordered;
}

/** Accounts the plan will contact (for identity checks before anything runs). */
export function accountsTouched(runbook: Runbook, plan: Plan, flags: PlanFlags): string[] {
  const accounts = new Set<string>();
  for (const step of plan.steps) {
    if (step.skipReason) continue;
    const resource = runbook.filesystems[step.resource];
    if (!resource) continue;
    for (const side of step.sides) {
      if (flags.primaryUnavailable && side === 'primary') continue;
      accounts.add(resource[side].account);
    }
  }
  return [...accounts].sort();
}
